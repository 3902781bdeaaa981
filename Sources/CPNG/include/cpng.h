// cpng: PNG encode and decode through libpng, with libpng's setjmp error handling kept inside C.
// Every function returns 0 on success or -1 with a one-line message in err.
#ifndef CPNG_H
#define CPNG_H

#include <stddef.h>
#include <stdint.h>

/// A growable byte buffer owned by the caller; release with cpng_buffer_free.
typedef struct {
    uint8_t *_Nullable data;
    size_t size;
    size_t capacity;
} cpng_buffer;

/// Row filters (PNG spec section 9); CPNG_FILTER_ADAPTIVE lets libpng choose per row.
enum { CPNG_FILTER_NONE = 0, CPNG_FILTER_SUB = 1, CPNG_FILTER_UP = 2, CPNG_FILTER_AVERAGE = 3,
       CPNG_FILTER_PAETH = 4, CPNG_FILTER_ADAPTIVE = 5 };

/// Encodes 8-bit BGRA rows (stride bytes apart) as PNG into out. keep_alpha 0 writes RGB and drops
/// the fourth byte. level is zlib's 0-9. threads > 1 compresses horizontal bands in parallel
/// (one zlib stream, joined with sync flushes, as pigz does).
int cpng_encode(const uint8_t *_Nonnull pixels, int width, int height, size_t stride, int keep_alpha, int level,
                int filter, int threads, cpng_buffer *_Nonnull out, char *_Nonnull err, int err_size);

/// Decodes any 8- or 16-bit PNG (gray, gray+alpha, palette, RGB, RGBA, interlaced or not) into
/// 8-bit BGRA rows of width*4 bytes. *pixels is owned by the caller, freed with cpng_free.
int cpng_decode(const uint8_t *_Nonnull data, size_t size, uint8_t *_Nullable *_Nonnull pixels,
                int *_Nonnull width, int *_Nonnull height, char *_Nonnull err, int err_size);

/// Frees a buffer's storage and resets it.
void cpng_buffer_free(cpng_buffer *_Nonnull buffer);

/// Frees pixels returned by cpng_decode.
void cpng_free(void *_Nullable pointer);

#endif
