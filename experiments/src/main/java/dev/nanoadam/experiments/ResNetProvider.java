package dev.nanoadam.experiments;

import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.ResNet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code resnet[:width=N,blocks=B-B-B]}: {@link ResNet}, BasicBlocks with torchvision's names and
 * a 3x3 stem for small images. The defaults (width 16, one block in each of three stages: ResNet-8,
 * about 78k weights) keep the demo within a few minutes on two cores.
 */
public final class ResNetProvider implements ModelProvider {
    /** Channels of the stem and first stage when not given. */
    public static final int DEFAULT_WIDTH = 16;
    /** Blocks per stage when not given. */
    public static final List<Integer> DEFAULT_BLOCKS = List.of(1, 1, 1);

    @Override
    public List<String> names() {
        return List.of("resnet");
    }

    @Override
    public List<String> settingsHelp(String name) {
        return List.of("width=N      channels of the stem and first stage, doubled at each later stage (" + DEFAULT_WIDTH + ")",
                "blocks=B-B-B BasicBlocks per stage, one number per stage (1-1-1; ResNet-18's are 2-2-2-2)");
    }

    @Override
    public ModelFactory open(String name, Map<String, String> settings) {
        Models.checkKnown(name, settings, List.of("width", "blocks"));
        int width = Models.positiveInt(name, settings, "width", DEFAULT_WIDTH);
        List<Integer> blocks = settings.containsKey("blocks") ? parseBlocks(settings.get("blocks")) : DEFAULT_BLOCKS;
        return new Factory(width, blocks);
    }

    private static List<Integer> parseBlocks(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split("-", -1)) {
            try {
                int b = Integer.parseInt(part.strip());
                if (b >= 1) {
                    out.add(b);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("model resnet: blocks must be positive numbers joined by '-', like 1-1-1, got '"
                    + text + "'");
        }
        return List.copyOf(out);
    }

    private record Factory(int width, List<Integer> blocks) implements ModelFactory {
        @Override
        public String spec() {
            return "resnet:width=" + width + ",blocks=" + String.join("-", blocks.stream().map(String::valueOf).toList());
        }

        @Override
        public String description() {
            int depth = 2;
            List<String> widths = new ArrayList<>();
            for (int s = 0; s < blocks.size(); s++) {
                depth += 2 * blocks.get(s);
                widths.add(String.valueOf(width << s));
            }
            return "ResNet-" + depth + " (BasicBlocks " + String.join("-", blocks.stream().map(String::valueOf).toList())
                    + ", widths " + String.join("-", widths) + ")";
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("width", (long) width);
            List<Object> b = new ArrayList<>();
            for (int x : blocks) {
                b.add((long) x);
            }
            c.put("blocks", b);
            return c;
        }

        @Override
        public Classifier create(int channels, int height, int imageWidth, int numClasses, long seed) {
            return new ResNet(new ResNet.Config(channels, height, imageWidth, blocks, width, numClasses), seed);
        }
    }
}
