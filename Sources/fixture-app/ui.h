// ui: the fixture's fixed layout, its drawing and the text field's contents.
#ifndef FIXTURE_UI_H
#define FIXTURE_UI_H

#include <X11/Xlib.h>
#include <stddef.h>

/// A named rectangle in window (client-area) coordinates.
typedef struct {
    const char *name;
    int x, y, width, height;
} ui_rect;

/// Click targets, in the order the hit test tries them (they do not overlap unless --move-ok makes
/// them; then "ok" wins). The OK button moves with ui_move_ok; the others stay put.
extern ui_rect ui_ok;
extern const ui_rect ui_cancel, ui_text, ui_canvas;

/// The area the status line may draw in; everything outside the targets and this stays background.
extern const ui_rect ui_status;

/// Drawing state for one window.
typedef struct {
    Display *dpy;
    Window win;
    GC gc;
    XFontStruct *font;  // NULL when no core font loads: the app still works, without labels.
    int unicode_font;   // The font is indexed by Unicode code point (ISO10646), not Latin-1.
    unsigned long background, ok, cancel, white, black, red, green, blue, yellow;
    char text[1024];  // UTF-8 contents of the text field.
    size_t text_len;
    char status[160];  // The status line, ASCII.
} ui;

/// Pixel value for a 0xRRGGBB colour: computed from the channel masks on TrueColor and DirectColor
/// visuals (so 0xd0d0d0 is exactly #d0d0d0 on screen), allocated from the colormap otherwise.
unsigned long ui_pixel(Display *dpy, Visual *visual, Colormap colormap, unsigned long rgb);

/// Creates the GC, loads a font and computes the colours for drawing into win.
void ui_init(ui *u, Display *dpy, Window win, Visual *visual, Colormap colormap);

/// Frees the GC and font.
void ui_free(ui *u);

/// Draws the whole window (on Expose, and before the app reports ready).
void ui_draw_all(ui *u);

/// Appends UTF-8 text to the field and redraws it. Text that does not fit drops the oldest characters.
void ui_field_append(ui *u, const char *utf8);

/// Removes the last character (code point) of the field and redraws it.
void ui_field_backspace(ui *u);

/// Empties the field and redraws it.
void ui_field_clear(ui *u);

/// Replaces the status line (printf-style, shown as ASCII) and redraws it.
void ui_set_status(ui *u, const char *format, ...) __attribute__((format(printf, 2, 3)));

/// Moves the OK button by (dx, dy) in the window, before the window is drawn (--move-ok).
void ui_move_ok(int dx, int dy);

/// Name of the target at window point (x, y): "ok", "cancel", "text", "canvas" or "none".
const char *ui_target(int x, int y);

#endif
