package dev.nanoadam.models.data;

import java.nio.file.Path;

/**
 * Decoder for the Unix {@code compress} (LZW) code stream in the windowed form the Bible
 * Retrieval System stores its text in: the stream restarts at fixed "windows" of the original
 * text, each decoded on its own with codes starting at 9 bits.
 *
 * <p>The bit-level rules are those of {@code compress}: codes are packed least significant bit
 * first, read in groups of {@code nBits} bytes (eight codes), and whenever the code width grows
 * or a CLEAR code (256) arrives the rest of the current group is skipped. Corrupt input (a code
 * that names no table entry yet, output longer than a window, a string chain that does not end)
 * is an error, never undefined behaviour.
 */
final class WindowedLzw {
    private static final int INIT_BITS = 9;
    private static final int CLEAR = 256;
    private static final int FIRST = 257;

    private final Path file;
    private final int maxBits;
    private final boolean blockMode;
    private final int maxMaxCode;       // 1 << maxBits: no code reaches it
    private final int[] prefix;         // [maxMaxCode]: code of the string without its last byte
    private final byte[] suffix;        // [maxMaxCode]: last byte of the string of a code
    private final byte[] stack;         // [maxMaxCode + 1]: a string's bytes, last first
    private final byte[] group = new byte[16 + 3]; // one group of at most 16 bytes, 3 bytes of slack for extraction

    // Per-window reading state.
    private byte[] in;
    private int inPos;
    private int inEnd;
    private int nBits;
    private int maxCode;
    private int freeEnt;
    private boolean clearFlag;
    private int bitOffset;              // next code's bit position in the group
    private int groupBits;              // code start positions below this are in the group

    WindowedLzw(Path file, int maxBits, boolean blockMode) {
        this.file = file;
        this.maxBits = maxBits;
        this.blockMode = blockMode;
        this.maxMaxCode = 1 << maxBits;
        this.prefix = new int[maxMaxCode];
        this.suffix = new byte[maxMaxCode];
        this.stack = new byte[maxMaxCode + 1];
    }

    /**
     * Decodes window {@code window}, bytes {@code [from, to)} of {@code input}, into {@code out}
     * from {@code outPos}, writing at most {@code capacity} bytes; returns the number written.
     */
    int decode(int window, byte[] input, int from, int to, byte[] out, int outPos, int capacity) throws DatasetFormatException {
        in = input;
        inPos = from;
        inEnd = to;
        nBits = INIT_BITS;
        maxCode = (1 << nBits) - 1;
        freeEnt = blockMode ? FIRST : 256;
        clearFlag = false;
        bitOffset = 0;
        groupBits = 0;
        for (int c = 0; c < 256; c++) {
            prefix[c] = 0;
            suffix[c] = (byte) c;
        }
        int written = 0;
        int code = nextCode();
        if (code < 0) {
            return 0;
        }
        if (code >= 256) {
            throw corrupt(window, "first code " + code + " is not a byte");
        }
        int oldCode = code;
        int finChar = code;
        out[outPos + written++] = (byte) code;
        while ((code = nextCode()) >= 0) {
            if (code == CLEAR && blockMode) {
                clearFlag = true;
                freeEnt = FIRST - 1;
                code = nextCode();
                if (code < 0) {
                    break;
                }
            }
            int inCode = code;
            int sp = 0;
            if (code >= freeEnt) {
                if (code > freeEnt) {
                    throw corrupt(window, "code " + code + " names no table entry (next free entry is " + freeEnt + ")");
                }
                stack[sp++] = (byte) finChar; // the KwKwK case: the string of oldCode plus its own first byte
                code = oldCode;
            }
            while (code >= 256) {
                if (sp >= maxMaxCode) {
                    throw corrupt(window, "string table chain does not end");
                }
                stack[sp++] = suffix[code];
                code = prefix[code];
            }
            finChar = suffix[code] & 0xFF;
            stack[sp++] = (byte) finChar;
            if (written + sp > capacity) {
                throw corrupt(window, "decodes to more than the window size of " + capacity + " bytes");
            }
            while (sp > 0) {
                out[outPos + written++] = stack[--sp];
            }
            if (freeEnt < maxMaxCode) {
                prefix[freeEnt] = oldCode;
                suffix[freeEnt] = (byte) finChar;
                freeEnt++;
            }
            oldCode = inCode;
        }
        return written;
    }

    private int nextCode() {
        if (clearFlag || bitOffset >= groupBits || freeEnt > maxCode) {
            if (freeEnt > maxCode) {
                nBits++;
                maxCode = nBits == maxBits ? maxMaxCode : (1 << nBits) - 1;
            }
            if (clearFlag) {
                nBits = INIT_BITS;
                maxCode = (1 << nBits) - 1;
                clearFlag = false;
            }
            int n = Math.min(nBits, inEnd - inPos);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(in, inPos, group, 0, n);
            inPos += n;
            bitOffset = 0;
            groupBits = (n << 3) - (nBits - 1); // a code must fit entirely in the bytes read
        }
        int b = bitOffset >>> 3;
        int bits = (group[b] & 0xFF) | (group[b + 1] & 0xFF) << 8 | (group[b + 2] & 0xFF) << 16;
        int code = (bits >>> (bitOffset & 7)) & ((1 << nBits) - 1);
        bitOffset += nBits;
        return code;
    }

    private DatasetFormatException corrupt(int window, String what) {
        return new DatasetFormatException(file, "compressed window " + window + " is corrupt: " + what);
    }
}
