// ui: layout, drawing and text field (see ui.h). Plain Xlib: the point is to put exact, known
// colours at known places, so there is no antialiasing, no toolkit and no theme.
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <X11/Xutil.h>

ui_rect ui_ok = {"ok", 20, 20, 120, 40};
const ui_rect ui_cancel = {"cancel", 160, 20, 120, 40};
const ui_rect ui_text = {"text", 20, 90, 600, 40};
const ui_rect ui_canvas = {"canvas", 20, 200, 430, 80};
const ui_rect ui_status = {"status", 20, 330, 600, 40};

// The canvas blocks, inside ui_canvas with 10-px background gaps between them.
static const struct {
    int x, width;
} blocks[4] = {{20, 100}, {130, 100}, {240, 100}, {350, 100}};
static const int block_y = 200, block_height = 80;

static int inside(const ui_rect *r, int x, int y) {
    return x >= r->x && x < r->x + r->width && y >= r->y && y < r->y + r->height;
}

void ui_move_ok(int dx, int dy) {
    ui_ok.x += dx;
    ui_ok.y += dy;
}

const char *ui_target(int x, int y) {
    const ui_rect *targets[] = {&ui_ok, &ui_cancel, &ui_text, &ui_canvas};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (inside(targets[i], x, y)) return targets[i]->name;
    return "none";
}

// Scales an 8-bit channel into the bits of mask (exact for the usual 8-bit masks).
static unsigned long channel(unsigned long value8, unsigned long mask) {
    if (!mask) return 0;
    int shift = 0;
    while (!((mask >> shift) & 1)) shift++;
    unsigned long max = mask >> shift;
    return ((value8 * max + 127) / 255) << shift;
}

unsigned long ui_pixel(Display *dpy, Visual *visual, Colormap colormap, unsigned long rgb) {
    unsigned long r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
    if (visual->class == TrueColor || visual->class == DirectColor)
        return channel(r, visual->red_mask) | channel(g, visual->green_mask) | channel(b, visual->blue_mask);
    XColor colour = {.red = (unsigned short)(r * 257), .green = (unsigned short)(g * 257),
                     .blue = (unsigned short)(b * 257), .flags = DoRed | DoGreen | DoBlue};
    if (XAllocColor(dpy, colormap, &colour)) return colour.pixel;
    return (r + g + b) / 3 >= 128 ? WhitePixel(dpy, DefaultScreen(dpy)) : BlackPixel(dpy, DefaultScreen(dpy));
}

// Whether the font's CHARSET_REGISTRY is ISO10646, i.e. XChar2b glyph indices are code points.
static int font_is_unicode(Display *dpy, XFontStruct *font) {
    unsigned long value;
    if (!XGetFontProperty(font, XInternAtom(dpy, "CHARSET_REGISTRY", False), &value)) return 0;
    char *name = XGetAtomName(dpy, (Atom)value);
    int unicode = name && strcmp(name, "ISO10646") == 0;
    if (name) XFree(name);
    return unicode;
}

void ui_init(ui *u, Display *dpy, Window win, Visual *visual, Colormap colormap) {
    memset(u, 0, sizeof *u);
    u->dpy = dpy;
    u->win = win;
    u->gc = XCreateGC(dpy, win, 0, NULL);
    // A Unicode "fixed" shows typed non-Latin text where the server has one; the built-in
    // Latin-1 "fixed" (always present, also in a bare Xvfb) is the fallback.
    const char *fonts[] = {"-misc-fixed-medium-r-semicondensed--13-*-*-*-*-*-iso10646-1", "fixed"};
    for (size_t i = 0; i < 2 && !u->font; i++) u->font = XLoadQueryFont(dpy, fonts[i]);
    if (u->font) {
        XSetFont(dpy, u->gc, u->font->fid);
        u->unicode_font = font_is_unicode(dpy, u->font);
    } else {
        fputs("fixture-app: no core font, drawing without text\n", stderr);
    }
    u->background = ui_pixel(dpy, visual, colormap, 0xd0d0d0);
    u->ok = ui_pixel(dpy, visual, colormap, 0x3070c0);
    u->cancel = ui_pixel(dpy, visual, colormap, 0xc04040);
    u->white = ui_pixel(dpy, visual, colormap, 0xffffff);
    u->black = ui_pixel(dpy, visual, colormap, 0x000000);
    u->red = ui_pixel(dpy, visual, colormap, 0xff0000);
    u->green = ui_pixel(dpy, visual, colormap, 0x00ff00);
    u->blue = ui_pixel(dpy, visual, colormap, 0x0000ff);
    u->yellow = ui_pixel(dpy, visual, colormap, 0xffff00);
}

void ui_free(ui *u) {
    if (u->font) XFreeFont(u->dpy, u->font);
    if (u->gc) XFreeGC(u->dpy, u->gc);
    u->font = NULL;
    u->gc = NULL;
}

// Decodes UTF-8 into glyph indices for the loaded font; characters it cannot index become '?'.
static int to_glyphs(const ui *u, const char *utf8, XChar2b *out, int max) {
    const unsigned char *p = (const unsigned char *)utf8;
    int n = 0;
    while (*p && n < max) {
        unsigned long cp;
        int extra;
        if (*p < 0x80) cp = *p, extra = 0;
        else if ((*p & 0xe0) == 0xc0) cp = *p & 0x1f, extra = 1;
        else if ((*p & 0xf0) == 0xe0) cp = *p & 0x0f, extra = 2;
        else if ((*p & 0xf8) == 0xf0) cp = *p & 0x07, extra = 3;
        else cp = '?', extra = 0;
        p++;
        for (; extra > 0 && (*p & 0xc0) == 0x80; extra--, p++) cp = (cp << 6) | (*p & 0x3f);
        if (extra > 0 || cp > (u->unicode_font ? 0xffffUL : 0xffUL) || cp < 0x20) cp = '?';
        out[n].byte1 = (unsigned char)(cp >> 8);
        out[n].byte2 = (unsigned char)(cp & 0xff);
        n++;
    }
    return n;
}

// Draws text with its left end at x, vertically centred in the band [top, top+height), clipped to
// clip so it can never spill onto neighbouring colours. With keep_tail, the start of a text too
// wide for the clip is dropped so that the most recent input stays visible.
static void draw_text(ui *u, const char *utf8, int x, int top, int height, const ui_rect *clip, int keep_tail,
                      unsigned long colour) {
    if (!u->font) return;
    XChar2b glyphs[1024];
    int n = to_glyphs(u, utf8, glyphs, 1024);
    int start = 0;
    if (keep_tail)
        while (start < n && x + XTextWidth16(u->font, glyphs + start, n - start) > clip->x + clip->width)
            start++;
    int baseline = top + (height - (u->font->ascent + u->font->descent)) / 2 + u->font->ascent;
    XRectangle r = {(short)clip->x, (short)clip->y, (unsigned short)clip->width, (unsigned short)clip->height};
    XSetClipRectangles(u->dpy, u->gc, 0, 0, &r, 1, Unsorted);
    XSetForeground(u->dpy, u->gc, colour);
    XDrawString16(u->dpy, u->win, u->gc, x, baseline, glyphs + start, n - start);
    XSetClipMask(u->dpy, u->gc, None);
}

static void fill(ui *u, unsigned long colour, int x, int y, int width, int height) {
    XSetForeground(u->dpy, u->gc, colour);
    XFillRectangle(u->dpy, u->win, u->gc, x, y, (unsigned)width, (unsigned)height);
}

static void draw_button(ui *u, const ui_rect *r, unsigned long colour, const char *label) {
    fill(u, colour, r->x, r->y, r->width, r->height);
    if (!u->font) return;
    int width = XTextWidth(u->font, label, (int)strlen(label));
    // Clip to the button minus a 4-px margin, so the label never touches the sampled corners.
    ui_rect inner = {NULL, r->x + 4, r->y + 4, r->width - 8, r->height - 8};
    draw_text(u, label, r->x + (r->width - width) / 2, r->y, r->height, &inner, 0, u->white);
}

static void draw_field(ui *u) {
    const ui_rect *r = &ui_text;
    fill(u, u->white, r->x, r->y, r->width, r->height);
    XSetForeground(u->dpy, u->gc, u->black);
    XDrawRectangle(u->dpy, u->win, u->gc, r->x, r->y, (unsigned)r->width - 1, (unsigned)r->height - 1);
    ui_rect inner = {NULL, r->x + 2, r->y + 2, r->width - 4, r->height - 4};
    draw_text(u, u->text, r->x + 4, r->y, r->height, &inner, 1, u->black);
}

static void draw_status(ui *u) {
    const ui_rect *r = &ui_status;
    fill(u, u->background, r->x, r->y, r->width, r->height);
    draw_text(u, u->status, r->x, r->y, r->height, r, 0, u->black);
}

void ui_draw_all(ui *u) {
    XWindowAttributes wa;
    XGetWindowAttributes(u->dpy, u->win, &wa);
    fill(u, u->background, 0, 0, wa.width, wa.height);
    draw_button(u, &ui_cancel, u->cancel, "Cancel");
    draw_field(u);
    const unsigned long colours[4] = {u->red, u->green, u->blue, u->yellow};
    for (int i = 0; i < 4; i++) fill(u, colours[i], blocks[i].x, block_y, blocks[i].width, block_height);
    // Last, so an OK button moved onto another target (--move-ok) is still drawn whole.
    draw_button(u, &ui_ok, u->ok, "OK");
    draw_status(u);
}

// Length of the UTF-8 sequence starting with byte b (1 for stray continuation bytes).
static size_t sequence_length(unsigned char b) {
    if (b >= 0xf0) return 4;
    if (b >= 0xe0) return 3;
    if (b >= 0xc0) return 2;
    return 1;
}

void ui_field_append(ui *u, const char *utf8) {
    size_t add = strlen(utf8);
    if (add >= sizeof u->text) return;
    while (u->text_len + add >= sizeof u->text) {  // Drop whole characters from the front.
        size_t drop = sequence_length((unsigned char)u->text[0]);
        if (drop > u->text_len) drop = u->text_len;
        memmove(u->text, u->text + drop, u->text_len - drop + 1);
        u->text_len -= drop;
    }
    memcpy(u->text + u->text_len, utf8, add + 1);
    u->text_len += add;
    draw_field(u);
}

void ui_field_backspace(ui *u) {
    if (!u->text_len) return;
    size_t end = u->text_len - 1;
    while (end > 0 && ((unsigned char)u->text[end] & 0xc0) == 0x80) end--;  // Back over continuation bytes.
    u->text[end] = '\0';
    u->text_len = end;
    draw_field(u);
}

void ui_field_clear(ui *u) {
    u->text[0] = '\0';
    u->text_len = 0;
    draw_field(u);
}

void ui_set_status(ui *u, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(u->status, sizeof u->status, format, args);
    va_end(args);
    for (char *p = u->status; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) *p = '?';
    draw_status(u);
}
