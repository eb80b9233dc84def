package dev.nanoadam.opencl;

import dev.nanoadam.spi.BackendUnavailableException;

/**
 * This machine has nothing the backend can run on: no loader, no platform, no device, or only
 * devices that lack what SPEC.md §10 requires. Unlike a failed build or known-answer test, it says
 * nothing about the backend's own correctness, so tests skip on it (and fail on the others).
 */
public final class NoSuitableDeviceException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    NoSuitableDeviceException(String message) {
        super(message);
    }
}
