package dev.nanoadam.testing;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendProvider;
import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.Backends;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * {@code refusing-writes}: {@code cpu-scalar}, except that while {@link #refuseWrites} is set its
 * checkpoint writes ({@code writeDense}) are refused as a device out of memory would refuse them.
 * Only this module's tests see it (the test jar leaves the service file out).
 */
public final class RefusingBackend {
    private RefusingBackend() {
    }

    /** The backend's name. */
    public static final String NAME = "refusing-writes";

    /** While true, every {@code writeDense} throws. */
    public static volatile boolean refuseWrites;

    /** Offers {@link #NAME}. */
    public static final class Provider implements BackendProvider {
        @Override
        public List<String> names() {
            return List.of(NAME);
        }

        @Override
        public boolean supports(String name) {
            return NAME.equals(name);
        }

        @Override
        public Backend open(String name) {
            Backend real = Backends.open("cpu-scalar");
            return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                    (proxy, method, args) -> {
                        if (refuseWrites && method.getName().equals("writeDense")) {
                            throw new BackendUnavailableException(NAME + ": device out of memory (planted)");
                        }
                        if (method.getName().equals("name")) {
                            return NAME;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
