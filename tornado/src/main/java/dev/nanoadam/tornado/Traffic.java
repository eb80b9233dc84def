package dev.nanoadam.tornado;

/** Bytes moved to and from the device and kernels launched, summed over a backend's graphs. */
final class Traffic {
    long toDevice;
    long fromDevice;
    long launches;

    void toDevice(long bytes) {
        toDevice += bytes;
    }

    void fromDevice(long bytes) {
        fromDevice += bytes;
    }

    void launched(int kernels) {
        launches += kernels;
    }
}
