/**
 * The backend service-provider interface: what a backend implements (kernels and data movement,
 * SPEC.md §10) and how it is found ({@link java.util.ServiceLoader}).
 */
package dev.nanoadam.spi;
