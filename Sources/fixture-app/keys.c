// keys: keysym and text lookup for key events (see keys.h).
#include "keys.h"

#include <X11/Xutil.h>
#include <X11/keysym.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void keys_open(keys_input *in, Display *dpy, Window win) {
    in->im = NULL;
    in->ic = NULL;
    const char *codeset = nl_langinfo(CODESET);
    in->utf8_locale = !strcasecmp(codeset, "UTF-8") || !strcasecmp(codeset, "utf8");
    in->im = XOpenIM(dpy, NULL, NULL, NULL);
    if (!in->im) {
        fputs("fixture-app: no input method, using XLookupString\n", stderr);
        return;
    }
    // The root style (no preedit or status window) is all a built-in method offers and all we want.
    XIMStyles *styles = NULL;
    int supported = 0;
    const XIMStyle wanted = XIMPreeditNothing | XIMStatusNothing;
    if (!XGetIMValues(in->im, XNQueryInputStyle, &styles, NULL) && styles) {
        for (int i = 0; i < styles->count_styles; i++)
            if (styles->supported_styles[i] == wanted) supported = 1;
        XFree(styles);
    }
    if (supported)
        in->ic = XCreateIC(in->im, XNInputStyle, wanted, XNClientWindow, win, XNFocusWindow, win, NULL);
    if (!in->ic) {
        fputs("fixture-app: no input context, using XLookupString\n", stderr);
        XCloseIM(in->im);
        in->im = NULL;
    }
}

void keys_close(keys_input *in) {
    if (in->ic) XDestroyIC(in->ic);
    if (in->im) XCloseIM(in->im);
    in->ic = NULL;
    in->im = NULL;
}

size_t utf8_encode(unsigned long cp, char out[8]) {
    size_t n = 0;
    if (cp < 0x80) {
        out[n++] = (char)cp;
    } else if (cp < 0x800) {
        out[n++] = (char)(0xc0 | (cp >> 6));
        out[n++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out[n++] = (char)(0xe0 | (cp >> 12));
        out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[n++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp <= 0x10ffff) {
        out[n++] = (char)(0xf0 | (cp >> 18));
        out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[n++] = (char)(0x80 | (cp & 0x3f));
    }
    out[n] = '\0';
    return n;
}

size_t keysym_to_utf8(KeySym keysym, char out[8]) {
    unsigned long cp = 0;
    if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff))
        cp = keysym;  // Latin-1 keysyms are their own code points.
    else if (keysym >= 0x01000000 && keysym <= 0x0110ffff)
        cp = keysym - 0x01000000;  // Unicode keysyms, what input injectors bind for unmapped characters.
    else if (keysym == XK_EuroSign)
        cp = 0x20ac;  // The one legacy keysym outside Latin-1 that keymaps commonly carry.
    // C0/C1 controls and surrogates are not characters a key types.
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp < 0xe000)) {
        out[0] = '\0';
        return 0;
    }
    return utf8_encode(cp, out);
}

// Whether bytes is well-formed UTF-8 (shortest forms, no surrogates, at most U+10FFFF).
static int valid_utf8(const unsigned char *p, int n) {
    for (int i = 0; i < n;) {
        unsigned char b = p[i];
        int extra;
        unsigned long cp;
        if (b < 0x80) extra = 0, cp = b;
        else if (b >= 0xc2 && b < 0xe0) extra = 1, cp = b & 0x1f;
        else if (b >= 0xe0 && b < 0xf0) extra = 2, cp = b & 0x0f;
        else if (b >= 0xf0 && b < 0xf5) extra = 3, cp = b & 0x07;
        else return 0;
        if (i + extra >= n) return 0;  // Truncated sequence.
        for (int k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp < 0xe000))
            return 0;
        i += extra + 1;
    }
    return 1;
}

// Without an input method: XLookupString gives the keysym, and its bytes are the text when they
// are plain ASCII (including the control characters it produces for Return, Tab, BackSpace,
// Ctrl+letter..., as Xutf8LookupString does) or when the locale is UTF-8 (Xlib then encodes any
// keysym it knows as UTF-8). Otherwise the bytes are in some legacy charset and our own table
// has to do.
static void fallback_lookup(const keys_input *in, XKeyEvent *event, KeySym *keysym, char *text,
                            size_t text_cap) {
    char bytes[32];
    int n = XLookupString(event, bytes, sizeof bytes - 1, keysym, NULL);
    if (n < 0) n = 0;
    bytes[n] = '\0';
    if ((*keysym & ~0xffUL) == 0xfe00) {
        // Dead and ISO keysyms: XLookupString spells dead_acute as "´", the input method types
        // nothing, and the two paths must agree.
        text[0] = '\0';
        return;
    }
    int ascii = 1;
    for (int i = 0; i < n; i++)
        if ((unsigned char)bytes[i] >= 0x80) ascii = 0;
    if (n > 0 && (ascii || (in->utf8_locale && valid_utf8((const unsigned char *)bytes, n)))) {
        snprintf(text, text_cap, "%s", bytes);
        return;
    }
    char utf8[8];
    keysym_to_utf8(*keysym, utf8);
    snprintf(text, text_cap, "%s", utf8);
}

void keys_lookup_press(keys_input *in, XKeyEvent *event, KeySym *keysym, char *text, size_t text_cap) {
    *keysym = NoSymbol;
    text[0] = '\0';
    if (!in->ic) {
        fallback_lookup(in, event, keysym, text, text_cap);
        return;
    }
    // We never pass key events through XFilterEvent, so the built-in method does no Compose or
    // dead-key processing: every KeyPress is reported with the text of that one key, which is
    // what a test that injected it expects. Xutf8LookupString then only converts the keysym.
    char small[64];
    char *buf = small;
    int cap = (int)sizeof small;
    Status status = 0;
    int n = Xutf8LookupString(in->ic, event, buf, cap - 1, keysym, &status);
    if (status == XBufferOverflow) {
        cap = n + 1;
        buf = malloc((size_t)cap);
        if (!buf) {
            fallback_lookup(in, event, keysym, text, text_cap);
            return;
        }
        n = Xutf8LookupString(in->ic, event, buf, cap - 1, keysym, &status);
    }
    if (status != XLookupKeySym && status != XLookupBoth) {
        // Chars without a keysym (or nothing at all): still report the keysym the key carries.
        char ignored[32];
        XLookupString(event, ignored, sizeof ignored, keysym, NULL);
    }
    if ((status == XLookupChars || status == XLookupBoth) && n > 0) {
        buf[n] = '\0';
        snprintf(text, text_cap, "%s", buf);
    }
    if (buf != small) free(buf);
}

KeySym keys_lookup_release(XKeyEvent *event) {
    KeySym keysym = NoSymbol;
    char ignored[32];
    XLookupString(event, ignored, sizeof ignored, &keysym, NULL);
    return keysym;
}
