#include "cpng.h"

#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct {
    char *err;
    int err_size;
} error_sink;

static void on_png_error(png_structp png, png_const_charp message) {
    error_sink *sink = png_get_error_ptr(png);
    if (sink && sink->err) snprintf(sink->err, (size_t)sink->err_size, "%s", message);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static int buffer_append(cpng_buffer *buffer, const uint8_t *data, size_t length) {
    if (buffer->size + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 65536;
        while (capacity < buffer->size + length) capacity *= 2;
        uint8_t *grown = realloc(buffer->data, capacity);
        if (!grown) return -1;
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, data, length);
    buffer->size += length;
    return 0;
}

static void on_png_write(png_structp png, png_bytep data, size_t length) {
    if (buffer_append(png_get_io_ptr(png), data, length) != 0) png_error(png, "out of memory");
}

static void on_png_flush(png_structp png) {
    (void)png;
}

static int filter_flags(int filter) {
    switch (filter) {
    case CPNG_FILTER_NONE: return PNG_FILTER_NONE;
    case CPNG_FILTER_SUB: return PNG_FILTER_SUB;
    case CPNG_FILTER_UP: return PNG_FILTER_UP;
    case CPNG_FILTER_AVERAGE: return PNG_FILTER_AVG;
    case CPNG_FILTER_PAETH: return PNG_FILTER_PAETH;
    default: return PNG_ALL_FILTERS;
    }
}

// ---- parallel IDAT: each band is filtered and deflated on its own thread ----

typedef struct {
    const uint8_t *pixels;
    size_t stride;
    int width;
    int first_row;
    int rows;
    int channels;
    int filter;
    int level;
    int last;
    uint8_t *scratch;
    cpng_buffer out;
    uLong adler;
    int failed;
} band_job;

static void filter_row(const band_job *job, int row, uint8_t *dst) {
    const uint8_t *src = job->pixels + job->stride * (size_t)row;
    const uint8_t *above = row > 0 ? src - job->stride : NULL;
    int filter = job->filter == CPNG_FILTER_UP && !above ? CPNG_FILTER_NONE : job->filter;
    dst[0] = (uint8_t)filter;
    uint8_t *out = dst + 1;
    int width = job->width;
    // Source is BGRA, PNG wants RGB(A); each filter subtracts a reference pixel (PNG spec 9.2).
    // The loops are spelled out per channel count so the compiler keeps every byte in registers:
    // a run-time-sized copy per pixel cost a libc call each, a quarter of a screenshot's time.
    static const uint8_t zero[4] = {0, 0, 0, 0};
    if (job->channels == 3) {
        for (int x = 0; x < width; x++) {
            const uint8_t *p = src + (size_t)x * 4;
            const uint8_t *r = filter == CPNG_FILTER_SUB ? (x > 0 ? p - 4 : zero)
                               : filter == CPNG_FILTER_UP ? above + (size_t)x * 4 : zero;
            uint8_t *o = out + (size_t)x * 3;
            o[0] = (uint8_t)(p[2] - r[2]);
            o[1] = (uint8_t)(p[1] - r[1]);
            o[2] = (uint8_t)(p[0] - r[0]);
        }
    } else {
        for (int x = 0; x < width; x++) {
            const uint8_t *p = src + (size_t)x * 4;
            const uint8_t *r = filter == CPNG_FILTER_SUB ? (x > 0 ? p - 4 : zero)
                               : filter == CPNG_FILTER_UP ? above + (size_t)x * 4 : zero;
            uint8_t *o = out + (size_t)x * 4;
            o[0] = (uint8_t)(p[2] - r[2]);
            o[1] = (uint8_t)(p[1] - r[1]);
            o[2] = (uint8_t)(p[0] - r[0]);
            o[3] = (uint8_t)(p[3] - r[3]);
        }
    }
}

static void *run_band(void *arg) {
    band_job *job = arg;
    size_t row_bytes = 1 + (size_t)job->width * (size_t)job->channels;
    z_stream z;
    memset(&z, 0, sizeof z);
    // Raw deflate (no zlib header): the bands are concatenated into one zlib stream.
    if (deflateInit2(&z, job->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        job->failed = 1;
        return NULL;
    }
    size_t bound = deflateBound(&z, (uLong)(row_bytes * (size_t)job->rows)) + 64;
    job->out.data = malloc(bound);
    job->out.capacity = bound;
    if (!job->out.data) {
        deflateEnd(&z);
        job->failed = 1;
        return NULL;
    }
    job->adler = adler32(0L, Z_NULL, 0);
    z.next_out = job->out.data;
    z.avail_out = (uInt)bound;
    for (int r = 0; r < job->rows; r++) {
        filter_row(job, job->first_row + r, job->scratch);
        job->adler = adler32(job->adler, job->scratch, (uInt)row_bytes);
        z.next_in = job->scratch;
        z.avail_in = (uInt)row_bytes;
        int flush = r + 1 < job->rows ? Z_NO_FLUSH : (job->last ? Z_FINISH : Z_SYNC_FLUSH);
        int rc = deflate(&z, flush);
        if (rc == Z_STREAM_ERROR || z.avail_in != 0) {
            job->failed = 1;
            break;
        }
    }
    job->out.size = bound - z.avail_out;
    deflateEnd(&z);
    return NULL;
}

static int write_parallel_idat(png_structp png, const uint8_t *pixels, int width, int height, size_t stride,
                               int channels, int level, int filter, int threads) {
    band_job jobs[16];
    pthread_t tids[16];
    if (threads > 16) threads = 16;
    if (threads > height) threads = height;
    memset(jobs, 0, sizeof jobs);
    size_t row_bytes = 1 + (size_t)width * (size_t)channels;
    int started = 0, rc = 0;
    for (int i = 0; i < threads; i++) {
        int first = (int)((long)height * i / threads), next = (int)((long)height * (i + 1) / threads);
        jobs[i] = (band_job){.pixels = pixels, .stride = stride, .width = width, .first_row = first,
                             .rows = next - first, .channels = channels, .filter = filter, .level = level,
                             .last = i == threads - 1, .scratch = malloc(row_bytes)};
        if (!jobs[i].scratch) { rc = -1; break; }
        if (i > 0 && pthread_create(&tids[i], NULL, run_band, &jobs[i]) != 0) { rc = -1; break; }
        started = i + 1;
    }
    if (rc == 0) run_band(&jobs[0]);
    for (int i = 1; i < started; i++) pthread_join(tids[i], NULL);
    cpng_buffer stream = {0};
    if (rc == 0) {
        // zlib header for a 32 KiB window; FLEVEL is informational only.
        const uint8_t header[2] = {0x78, 0x01};
        uLong adler = jobs[0].adler;
        rc = buffer_append(&stream, header, 2);
        for (int i = 0; i < threads && rc == 0; i++) {
            if (jobs[i].failed) rc = -1;
            else rc = buffer_append(&stream, jobs[i].out.data, jobs[i].out.size);
            if (i > 0) adler = adler32_combine(adler, jobs[i].adler, (z_off_t)(row_bytes * (size_t)jobs[i].rows));
        }
        const uint8_t trailer[4] = {(uint8_t)(adler >> 24), (uint8_t)(adler >> 16), (uint8_t)(adler >> 8), (uint8_t)adler};
        if (rc == 0) rc = buffer_append(&stream, trailer, 4);
    }
    for (int i = 0; i < threads; i++) {
        free(jobs[i].scratch);
        free(jobs[i].out.data);
    }
    if (rc == 0) {
        // IDAT chunks of at most 1 MiB; libpng frames each one (length, type, CRC).
        static const png_byte idat[5] = {'I', 'D', 'A', 'T', 0};
        for (size_t off = 0; off < stream.size; off += 1 << 20) {
            size_t n = stream.size - off < (1 << 20) ? stream.size - off : (1 << 20);
            png_write_chunk(png, idat, stream.data + off, n);
        }
        static const png_byte iend[5] = {'I', 'E', 'N', 'D', 0};
        png_write_chunk(png, iend, NULL, 0);
    }
    cpng_buffer_free(&stream);
    return rc;
}

int cpng_encode(const uint8_t *pixels, int width, int height, size_t stride, int keep_alpha, int level, int filter,
                int threads, cpng_buffer *out, char *err, int err_size) {
    if (width <= 0 || height <= 0) {
        snprintf(err, (size_t)err_size, "cannot encode an empty image (%dx%d)", width, height);
        return -1;
    }
    error_sink sink = {err, err_size};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_png_error, on_png_warning);
    if (!png) {
        snprintf(err, (size_t)err_size, "libpng: out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_write_struct(&png, info ? &info : NULL);
        return -1;
    }
    png_set_write_fn(png, out, on_png_write, on_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 keep_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    int parallel = threads > 1 && level > 0 && height >= 64 &&
                   (filter == CPNG_FILTER_NONE || filter == CPNG_FILTER_SUB || filter == CPNG_FILTER_UP);
    png_write_info(png, info);
    if (parallel) {
        if (write_parallel_idat(png, pixels, width, height, stride, keep_alpha ? 4 : 3, level, filter, threads) != 0)
            png_error(png, "parallel compression failed (out of memory)");
        png_destroy_write_struct(&png, &info);
        return 0;
    }
    png_set_compression_level(png, level);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filter_flags(filter));
    png_set_bgr(png);
    if (!keep_alpha) png_set_filler(png, 0, PNG_FILLER_AFTER);
    rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (!rows) png_error(png, "out of memory");
    for (int r = 0; r < height; r++) rows[r] = (png_bytep)(pixels + stride * (size_t)r);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    return 0;
}

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} read_source;

static void on_png_read(png_structp png, png_bytep data, size_t length) {
    read_source *src = png_get_io_ptr(png);
    if (src->size - src->offset < length) png_error(png, "truncated PNG data");
    memcpy(data, src->data + src->offset, length);
    src->offset += length;
}

int cpng_decode(const uint8_t *data, size_t size, uint8_t **pixels, int *width, int *height, char *err,
                int err_size) {
    *pixels = NULL;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(err, (size_t)err_size, "not a PNG file (bad signature)");
        return -1;
    }
    error_sink sink = {err, err_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_png_error, on_png_warning);
    if (!png) {
        snprintf(err, (size_t)err_size, "libpng: out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile image = NULL;
    png_bytep *volatile rows = NULL;
    read_source src = {data, size, 0};
    if (!info || setjmp(png_jmpbuf(png))) {
        free(image);
        free(rows);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        return -1;
    }
    png_set_read_fn(png, &src, on_png_read);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((uint64_t)w * h > (uint64_t)1 << 28) png_error(png, "image too large");
    int color = png_get_color_type(png, info);
    png_set_expand(png);
    png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_bgr(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 4) png_error(png, "unsupported PNG layout");
    image = malloc((size_t)w * h * 4);
    rows = malloc(sizeof(png_bytep) * h);
    if (!image || !rows) png_error(png, "out of memory");
    for (png_uint_32 r = 0; r < h; r++) rows[r] = image + (size_t)w * 4 * r;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    *pixels = image;
    *width = (int)w;
    *height = (int)h;
    return 0;
}

void cpng_buffer_free(cpng_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->size = buffer->capacity = 0;
}

void cpng_free(void *pointer) {
    free(pointer);
}
