package dev.nanoadam.models.testing;

import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Stochastic gradient descent with momentum ({@code v = mu v + g; w -= lr v}), a stand-in
 * optimizer with state for tests of the training loop: its checkpoint holds the velocities, the
 * step count and the rate, so a resume that forgot the optimizer would show.
 */
public final class Sgd implements Optimizer {
    private final List<Parameter> params;
    private final float[][] velocity;   // [param][size]
    private final float momentum;
    private double lr;
    private long steps;
    /** When set, {@link #saveTo} (and so {@link #save}) fails, to test what a failed checkpoint leaves behind. */
    public boolean failNextSave;

    public Sgd(List<Parameter> params, double lr, float momentum) {
        this.params = List.copyOf(params);
        this.velocity = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            velocity[i] = new float[params.get(i).size()];
        }
        this.lr = lr;
        this.momentum = momentum;
    }

    @Override
    public void step() {
        float rate = (float) lr;
        for (int i = 0; i < params.size(); i++) {
            float[] w = params.get(i).data();
            float[] g = params.get(i).grad();
            float[] v = velocity[i];
            for (int j = 0; j < w.length; j++) {
                v[j] = momentum * v[j] + g[j];
                w[j] -= rate * v[j];
            }
        }
        steps++;
    }

    @Override
    public void setLearningRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and positive, got " + lr);
        }
        this.lr = lr;
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public long skippedSteps() {
        return 0;
    }

    @Override
    public long stateBytes() {
        long n = 0;
        for (float[] v : velocity) {
            n += 4L * v.length;
        }
        return n;
    }

    @Override
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, channel -> saveTo(Channels.newOutputStream(channel)));
    }

    @Override
    public void saveTo(OutputStream stream) throws IOException {
        if (failNextSave) {
            failNextSave = false;
            throw new IOException("disk full (simulated)");
        }
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
        out.writeInt(0x53474431); // "SGD1"
        out.writeLong(steps);
        out.writeDouble(lr);
        out.writeInt(params.size());
        for (int i = 0; i < params.size(); i++) {
            out.writeUTF(params.get(i).name());
            out.writeInt(velocity[i].length);
            for (float f : velocity[i]) {
                out.writeInt(Float.floatToRawIntBits(f));
            }
        }
        out.flush();
    }

    @Override
    public void load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            read(in, file + ": ");
        }
    }

    @Override
    public void loadFrom(InputStream in) throws IOException {
        read(in, "SGD stream: ");
    }

    private void read(InputStream stream, String where) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (in.readInt() != 0x53474431) {
            throw new IOException(where + "not an SGD checkpoint");
        }
        long s = in.readLong();
        double rate = in.readDouble();
        if (in.readInt() != params.size()) {
            throw new IOException(where + "parameter count differs");
        }
        float[][] v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            String name = in.readUTF();
            int n = in.readInt();
            if (!name.equals(params.get(i).name()) || n != velocity[i].length) {
                throw new IOException(where + "parameter " + i + " is " + name + "[" + n + "], expected "
                        + params.get(i).name() + "[" + velocity[i].length + "]");
            }
            v[i] = new float[n];
            for (int j = 0; j < n; j++) {
                v[i][j] = Float.intBitsToFloat(in.readInt());
            }
        }
        for (int i = 0; i < v.length; i++) {
            System.arraycopy(v[i], 0, velocity[i], 0, v[i].length);
        }
        steps = s;
        lr = rate;
    }

    @Override
    public String backendName() {
        return "test-sgd";
    }

    @Override
    public void close() {
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }
}
