package dev.nanoadam.models;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.math.ArrayMath;
import dev.nanoadam.models.nn.BatchNorm2d;
import dev.nanoadam.models.nn.Conv2d;
import dev.nanoadam.models.nn.GlobalAvgPool;
import dev.nanoadam.models.nn.Init;
import dev.nanoadam.models.nn.Linear;
import dev.nanoadam.models.nn.Relu;
import dev.nanoadam.models.nn.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A BasicBlock ResNet for small images (torchvision's {@code resnet.py} structure with a
 * CIFAR-style stem: a 3x3 convolution with stride 1 and no max pooling).
 *
 * <p>Stem {@code conv1, bn1, relu}; then stages {@code layer1..layerS}, stage s of width
 * {@code baseWidth * 2^(s-1)} made of {@code blocksPerStage[s-1]} BasicBlocks, the first block of
 * every stage after the first with stride 2; a block is
 * {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}, the shortcut being
 * {@code downsample = conv1x1 + bn} where stride or width changes; then global average pooling and
 * {@code fc}. Names are torchvision's ({@code conv1.weight}, {@code layer1.0.bn1.running_mean},
 * {@code layer2.0.downsample.0.weight}, {@code fc.bias}, ...). Convolutions have no bias.
 * BatchNorm follows PyTorch (momentum 0.1, eps 1e-5, unbiased running variance);
 * {@code num_batches_tracked} is not kept.
 *
 * <p>Initialisation follows torchvision: convolutions Kaiming-normal with fan-out and ReLU gain,
 * BatchNorm 1 and 0, {@code fc} PyTorch's default uniform {@code ±1/sqrt(fan_in)}; deterministic
 * for a seed. Activations are channel-major {@code [C, N, H, W]} internally. Workspaces are sized
 * for the largest batch seen and reused: {@link #lossAndGradients} does not allocate once warmed
 * up. Not thread-safe.
 */
public final class ResNet implements Classifier {
    /**
     * Architecture of a {@link ResNet}.
     *
     * @param inChannels image channels
     * @param height image height
     * @param width image width
     * @param blocksPerStage BasicBlocks of each stage, e.g. [2, 2, 2, 2] for ResNet-18's shapes
     * @param baseWidth channels of the stem and the first stage (torchvision: 64)
     * @param numClasses classes of the head
     */
    public record Config(int inChannels, int height, int width, List<Integer> blocksPerStage, int baseWidth,
                         int numClasses) {
        /** Validates every field and copies the list. */
        public Config {
            require(inChannels >= 1, "inChannels", inChannels);
            require(height >= 1, "height", height);
            require(width >= 1, "width", width);
            require(blocksPerStage != null && !blocksPerStage.isEmpty(), "blocksPerStage", blocksPerStage);
            blocksPerStage = List.copyOf(blocksPerStage);
            for (int b : blocksPerStage) {
                require(b >= 1, "blocksPerStage (every stage needs a block)", blocksPerStage);
            }
            require(baseWidth >= 1, "baseWidth", baseWidth);
            require(numClasses >= 1, "numClasses", numClasses);
        }

        /** ResNet-8 for 28x28 grey images: stages [1, 1, 1], width 16 (about 78k parameters). */
        public static Config tiny(int numClasses) {
            return new Config(1, 28, 28, List.of(1, 1, 1), 16, numClasses);
        }

        /** ResNet-18's stages [2, 2, 2, 2] and width 64, for 28x28 grey images. */
        public static Config resnet18(int numClasses) {
            return new Config(1, 28, 28, List.of(2, 2, 2, 2), 64, numClasses);
        }

        private static void require(boolean ok, String field, Object value) {
            if (!ok) {
                throw new IllegalArgumentException("ResNet.Config: invalid " + field + ": " + value);
            }
        }
    }

    /** One BasicBlock, its shapes and the activations its backward pass needs. */
    private static final class Block {
        final Conv2d conv1;
        final BatchNorm2d bn1;
        final Conv2d conv2;
        final BatchNorm2d bn2;
        final Conv2d downConv;   // null without downsample
        final BatchNorm2d downBn;
        final int inC;
        final int outC;
        final int inH;
        final int inW;
        final int outH;
        final int outW;
        // Activations [outC, N, outH, outW]: c1 = conv1(x); a1 = relu(bn1(c1)); c2 = conv2(a1);
        // out = relu(bn2(c2) + shortcut); dc = downsample conv; ds = downsample bn.
        float[] c1 = new float[0];
        float[] a1 = new float[0];
        float[] c2 = new float[0];
        float[] out = new float[0];
        float[] dc = new float[0];
        float[] ds = new float[0];

        Block(String p, int inC, int outC, int stride, int inH, int inW) {
            this.inC = inC;
            this.outC = outC;
            this.inH = inH;
            this.inW = inW;
            conv1 = new Conv2d(p + ".conv1.weight", inC, outC, 3, stride, 1);
            bn1 = new BatchNorm2d(p + ".bn1", outC);
            conv2 = new Conv2d(p + ".conv2.weight", outC, outC, 3, 1, 1);
            bn2 = new BatchNorm2d(p + ".bn2", outC);
            if (stride != 1 || inC != outC) {
                downConv = new Conv2d(p + ".downsample.0.weight", inC, outC, 1, stride, 0);
                downBn = new BatchNorm2d(p + ".downsample.1", outC);
            } else {
                downConv = null;
                downBn = null;
            }
            outH = conv1.outputSize(inH);
            outW = conv1.outputSize(inW);
        }
    }

    private final Config config;
    private final Conv2d stemConv;
    private final BatchNorm2d stemBn;
    private final Block[] blocks;
    private final Linear fc;
    private final Relu relu = new Relu();
    private final SoftmaxCrossEntropy crossEntropy = new SoftmaxCrossEntropy();
    private final Map<String, Parameter> named;
    private final Parameter[] all;
    private final Map<String, float[]> buffers;
    private final List<Parameter> sparse;
    private final List<Parameter> dense;
    private final int finalChannels;
    private boolean training = true;

    // Workspaces for up to capacity images.
    private int capacity;
    private float[] input = new float[0];     // [C, N, H, W]: the batch in channel-major order
    private float[] stemC = new float[0];     // [base, N, H, W]: stem conv output
    private float[] stemOut = new float[0];   // [base, N, H, W]: relu(bn1(stemC))
    private float[] pooled = new float[0];    // [N, finalChannels]
    private float[] logits = new float[0];    // [N, classes]
    private float[] dLogits = new float[0];   // [N, classes]
    private float[] dPooled = new float[0];   // [N, finalChannels]
    // Four gradient buffers, each as large as the largest activation [C, N, H, W].
    private float[] g0 = new float[0];
    private float[] g1 = new float[0];
    private float[] g2 = new float[0];
    private float[] g3 = new float[0];
    private int lastN;

    /** A model with torchvision initialisation drawn from {@code seed}. */
    public ResNet(Config config, long seed) {
        this.config = config;
        int w0 = config.baseWidth;
        stemConv = new Conv2d("conv1.weight", config.inChannels, w0, 3, 1, 1);
        stemBn = new BatchNorm2d("bn1", w0);
        List<Block> list = new ArrayList<>();
        int c = w0;
        int h = config.height;
        int w = config.width;
        for (int s = 0; s < config.blocksPerStage.size(); s++) {
            int width = w0 << s;
            for (int i = 0; i < config.blocksPerStage.get(s); i++) {
                int stride = s > 0 && i == 0 ? 2 : 1;
                Block b = new Block("layer" + (s + 1) + "." + i, c, width, stride, h, w);
                list.add(b);
                c = width;
                h = b.outH;
                w = b.outW;
            }
        }
        blocks = list.toArray(new Block[0]);
        finalChannels = c;
        fc = new Linear("fc", c, config.numClasses, true);

        Map<String, Parameter> map = new LinkedHashMap<>();
        Map<String, float[]> buf = new LinkedHashMap<>();
        map.put(stemConv.weight().name(), stemConv.weight());
        addNorm(map, buf, stemBn);
        for (Block b : blocks) {
            map.put(b.conv1.weight().name(), b.conv1.weight());
            addNorm(map, buf, b.bn1);
            map.put(b.conv2.weight().name(), b.conv2.weight());
            addNorm(map, buf, b.bn2);
            if (b.downConv != null) {
                map.put(b.downConv.weight().name(), b.downConv.weight());
                addNorm(map, buf, b.downBn);
            }
        }
        map.put(fc.weight().name(), fc.weight());
        map.put(fc.bias().name(), fc.bias());
        named = Collections.unmodifiableMap(map);
        all = map.values().toArray(new Parameter[0]);
        buffers = Collections.unmodifiableMap(buf);

        List<Parameter> sp = new ArrayList<>();
        List<Parameter> de = new ArrayList<>();
        for (Parameter p : named.values()) {
            // Convolution weights are the only SPARSE parameters; norms and the head are DENSE.
            (p.shape().length == 4 ? sp : de).add(p);
        }
        sparse = List.copyOf(sp);
        dense = List.copyOf(de);

        Random rng = new Random(seed);
        for (Parameter p : named.values()) {
            int[] shape = p.shape();
            if (shape.length == 4) {
                Init.normal(p.data(), Math.sqrt(2.0 / (shape[0] * shape[2] * shape[3])), rng);
            }
        }
        double bound = 1 / Math.sqrt(c);
        Init.uniform(fc.weight().data(), bound, rng);
        Init.uniform(fc.bias().data(), bound, rng);
    }

    private static void addNorm(Map<String, Parameter> map, Map<String, float[]> buf, BatchNorm2d bn) {
        map.put(bn.weight().name(), bn.weight());
        map.put(bn.bias().name(), bn.bias());
        buf.put(bn.prefix() + ".running_mean", bn.runningMean());
        buf.put(bn.prefix() + ".running_var", bn.runningVar());
    }

    /** The architecture. */
    public Config config() {
        return config;
    }

    @Override
    public int numClasses() {
        return config.numClasses;
    }

    /** Every parameter by its torchvision name, in state-dict order. */
    public Map<String, Parameter> namedParameters() {
        return named;
    }

    /** The convolution weights, in name order. */
    @Override
    public List<Parameter> sparseParameters() {
        return sparse;
    }

    /** BatchNorm weights and biases and {@code fc}, in name order. */
    @Override
    public List<Parameter> denseParameters() {
        return dense;
    }

    /** BatchNorm running means and variances by torchvision name (live arrays), in state-dict order. */
    @Override
    public Map<String, float[]> buffers() {
        return buffers;
    }

    /** Training mode normalises with batch statistics and updates the running ones; evaluation uses them. */
    @Override
    public void train(boolean training) {
        this.training = training;
    }

    /** Whether the model is in training mode (the initial state). */
    public boolean isTraining() {
        return training;
    }

    @Override
    public float lossAndGradients(Batch batch) {
        int[] labels = batch.labels();
        if (labels == null || labels.length < batch.size()) {
            throw new IllegalArgumentException("batch has " + (labels == null ? "no" : labels.length + "")
                    + " labels for " + batch.size() + " examples");
        }
        for (Parameter p : all) {
            p.zeroGrad();
        }
        forward(batch);
        float loss = crossEntropy.forward(logits, labels, lastN, config.numClasses);
        crossEntropy.backward(dLogits);
        backward();
        return loss;
    }

    @Override
    public void predict(Batch batch, int[] out) {
        if (out.length < batch.size()) {
            throw new IllegalArgumentException("predict: output has " + out.length + " slots for " + batch.size()
                    + " examples");
        }
        forward(batch);
        int c = config.numClasses;
        for (int i = 0; i < lastN; i++) {
            out[i] = ArrayMath.argMax(logits, i * c, c);
        }
    }

    /** Writes the logits {@code [size, numClasses]} for the batch into {@code out}. */
    public void logits(Batch batch, float[] out) {
        forward(batch);
        System.arraycopy(logits, 0, out, 0, lastN * config.numClasses);
    }

    private void check(Batch batch) {
        if (batch.size() < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batch.size());
        }
        if (batch.images() == null) {
            throw new IllegalArgumentException("ResNet needs an image batch; images is null");
        }
        if (batch.channels() != config.inChannels || batch.height() != config.height
                || batch.width() != config.width) {
            throw new IllegalArgumentException("images are " + batch.channels() + "x" + batch.height() + "x"
                    + batch.width() + ", the model expects " + config.inChannels + "x" + config.height + "x"
                    + config.width);
        }
        long need = (long) batch.size() * config.inChannels * config.height * config.width;
        if (batch.images().length < need) {
            throw new IllegalArgumentException("images has " + batch.images().length + " floats, needs " + need);
        }
    }

    private void ensure(int n) {
        if (n <= capacity) {
            return;
        }
        int hw = config.height * config.width;
        int base = config.baseWidth;
        input = new float[config.inChannels * n * hw];
        stemC = new float[base * n * hw];
        stemOut = new float[base * n * hw];
        int largest = Math.max(input.length, stemOut.length);
        for (Block b : blocks) {
            int size = b.outC * n * b.outH * b.outW;
            b.c1 = new float[size];
            b.a1 = new float[size];
            b.c2 = new float[size];
            b.out = new float[size];
            if (b.downConv != null) {
                b.dc = new float[size];
                b.ds = new float[size];
            }
            largest = Math.max(largest, size);
        }
        pooled = new float[n * finalChannels];
        dPooled = new float[n * finalChannels];
        logits = new float[n * config.numClasses];
        dLogits = new float[n * config.numClasses];
        g0 = new float[largest];
        g1 = new float[largest];
        g2 = new float[largest];
        g3 = new float[largest];
        capacity = n;
    }

    private void forward(Batch batch) {
        check(batch);
        int n = batch.size();
        ensure(n);
        lastN = n;
        int cIn = config.inChannels;
        int hw = config.height * config.width;
        float[] images = batch.images();
        for (int c = 0; c < cIn; c++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(images, (i * cIn + c) * hw, input, (c * n + i) * hw, hw);
            }
        }
        int base = config.baseWidth;
        stemConv.forward(input, stemC, n, config.height, config.width);
        stemBn.forward(stemC, stemOut, n, hw, training);
        relu.forward(stemOut, stemOut, base * n * hw);
        float[] x = stemOut;
        for (Block b : blocks) {
            int size = b.outC * n * b.outH * b.outW;
            int ohw = b.outH * b.outW;
            b.conv1.forward(x, b.c1, n, b.inH, b.inW);
            b.bn1.forward(b.c1, b.a1, n, ohw, training);
            relu.forward(b.a1, b.a1, size);
            b.conv2.forward(b.a1, b.c2, n, b.outH, b.outW);
            b.bn2.forward(b.c2, b.out, n, ohw, training);
            float[] shortcut = x;
            if (b.downConv != null) {
                b.downConv.forward(x, b.dc, n, b.inH, b.inW);
                b.downBn.forward(b.dc, b.ds, n, ohw, training);
                shortcut = b.ds;
            }
            ArrayMath.addInto(shortcut, 0, b.out, 0, size);
            relu.forward(b.out, b.out, size);
            x = b.out;
        }
        Block last = blocks[blocks.length - 1];
        GlobalAvgPool.forward(x, pooled, finalChannels, n, last.outH * last.outW);
        fc.forward(pooled, logits, n);
    }

    private void backward() {
        int n = lastN;
        fc.backward(pooled, dLogits, dPooled, n, false);
        Block last = blocks[blocks.length - 1];
        // dOut holds the gradient of the current block's output, dIn receives its input's.
        float[] dOut = g0;
        float[] dIn = g1;
        GlobalAvgPool.backward(dPooled, dOut, finalChannels, n, last.outH * last.outW);
        for (int i = blocks.length - 1; i >= 0; i--) {
            Block b = blocks[i];
            float[] x = i == 0 ? stemOut : blocks[i - 1].out;
            int size = b.outC * n * b.outH * b.outW;
            int ohw = b.outH * b.outW;
            relu.backward(b.out, dOut, dOut, size);
            b.bn2.backward(b.c2, dOut, g2, n, ohw, false);
            b.conv2.backward(b.a1, g2, g3, n, b.outH, b.outW, false);
            relu.backward(b.a1, g3, g3, size);
            b.bn1.backward(b.c1, g3, g2, n, ohw, false);
            b.conv1.backward(x, g2, dIn, n, b.inH, b.inW, false);
            if (b.downConv != null) {
                b.downBn.backward(b.dc, dOut, g2, n, ohw, false);
                b.downConv.backward(x, g2, dIn, n, b.inH, b.inW, true);
            } else {
                ArrayMath.addInto(dOut, 0, dIn, 0, size);
            }
            float[] t = dOut;
            dOut = dIn;
            dIn = t;
        }
        int hw = config.height * config.width;
        int base = config.baseWidth;
        relu.backward(stemOut, dOut, dOut, base * n * hw);
        stemBn.backward(stemC, dOut, dIn, n, hw, false);
        stemConv.backward(input, dIn, null, n, config.height, config.width, false);
    }
}
