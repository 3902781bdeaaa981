// keys: turns key events into keysyms and UTF-8 text.
#ifndef FIXTURE_KEYS_H
#define FIXTURE_KEYS_H

#include <X11/Xlib.h>
#include <stddef.h>

/// The input context used for text lookup; im and ic are NULL when no input method could be opened,
/// and lookups then fall back to XLookupString plus keysym_to_utf8.
typedef struct {
    XIM im;
    XIC ic;
    int utf8_locale;  // LC_CTYPE's codeset is UTF-8, so XLookupString's text is UTF-8 too.
} keys_input;

/// Opens the built-in input method (setlocale and XSetLocaleModifiers must have run) and an input
/// context on win.
/// Never fails: on any problem it leaves the fallback in place and says so on stderr.
void keys_open(keys_input *in, Display *dpy, Window win);

/// Frees the input context and method.
void keys_close(keys_input *in);

/// Looks up a KeyPress: the keysym after modifiers (Shift, group, ...) and the text the key types,
/// NUL-terminated UTF-8 in text (possibly empty). text_cap must be at least 8.
void keys_lookup_press(keys_input *in, XKeyEvent *event, KeySym *keysym, char *text, size_t text_cap);

/// Looks up a KeyRelease the same way as a press (XLookupString, so modifiers apply and a release
/// reports the same keysym as its press), without text.
KeySym keys_lookup_release(XKeyEvent *event);

/// UTF-8 for the character a keysym stands for (Latin-1 keysyms, Unicode keysyms 0x01000000 +
/// code point, EuroSign); writes at most 4 bytes plus NUL and returns the length, 0 when the
/// keysym is not a character this table knows.
size_t keysym_to_utf8(KeySym keysym, char out[8]);

/// Encodes one code point as UTF-8 into out (at most 4 bytes plus NUL); returns the length.
size_t utf8_encode(unsigned long cp, char out[8]);

#endif
