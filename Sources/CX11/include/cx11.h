// cx11: the C side of foredesk's X11 access. Xlib and its extensions, plus shims for what Swift
// cannot call directly (function-like macros, XEvent unions, error traps, MIT-SHM life cycle).
// Ownership: every pointer returned here is owned by the caller and freed by the named cx11_ call.
#ifndef CX11_H
#define CX11_H

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/Xatom.h>
#include <X11/XKBlib.h>
#include <X11/keysym.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xrandr.h>
#include <X11/extensions/XRes.h>
#include <X11/extensions/XInput.h>
#include <X11/extensions/XInput2.h>
#include <X11/extensions/scrnsaver.h>
#include <X11/extensions/security.h>
#include <xkbcommon/xkbcommon.h>
#include <stdint.h>
#include <sys/types.h>

/// One X protocol error, as recorded by the trap.
typedef struct {
    int error_code;
    int request_code;
    int minor_code;
    unsigned long resource_id;
} cx11_error;

/// Installs error handlers that never exit the process (Xlib's defaults call exit()).
/// Safe to call more than once; must run before the first XOpenDisplay.
void cx11_install_error_handlers(void);

/// Opens a display like XOpenDisplay and arranges that a lost connection sets *lost to 1 instead of
/// exiting. lost must stay valid until XCloseDisplay. Returns NULL when the display cannot be opened.
Display *_Nullable cx11_open_display(const char *_Nullable name, int *_Nonnull lost);

/// Starts recording X errors raised on this thread (nested traps are not supported).
void cx11_trap_begin(void);

/// Syncs with the server, stops recording and returns the number of errors seen; the first one is
/// copied into *first when first is not NULL.
int cx11_trap_end(Display *_Nonnull dpy, cx11_error *_Nullable first);

/// Stops recording without a round trip, for traps around requests that have a reply: Xlib has
/// read the reply (or the error in its place) before the call returned, so nothing is pending.
int cx11_trap_end_after_reply(cx11_error *_Nullable first);

/// Text for an X error code ("BadWindow (invalid Window parameter)"), written into buf.
void cx11_error_text(Display *_Nonnull dpy, int code, char *_Nonnull buf, int size);

/// A shared-memory image the server writes captures into; owned by the caller, freed by cx11_shm_destroy.
typedef struct cx11_shm cx11_shm;

/// Creates and attaches a segment for images up to width x height at the default depth.
/// Returns NULL (and leaves no segment behind) when MIT-SHM is missing or the attach fails,
/// which happens late, at XSync, when the server is in another IPC namespace.
cx11_shm *_Nullable cx11_shm_create(Display *_Nonnull dpy, int width, int height);

/// Captures a rectangle of drawable into the segment. Returns a pointer to the pixels (32 bpp, rows of
/// width*4 bytes) valid until the next capture, or NULL on failure.
const uint8_t *_Nullable cx11_shm_capture(Display *_Nonnull dpy, cx11_shm *_Nonnull shm, Drawable drawable,
                                          int x, int y, int width, int height);

/// Detaches and frees the segment.
void cx11_shm_destroy(Display *_Nonnull dpy, cx11_shm *_Nullable shm);

/// Captures with plain GetImage, copying 32-bpp rows (width*4 bytes each) into out.
/// Returns 0 on success, -1 on failure (error trapped) or an unsupported pixel format.
int cx11_get_image(Display *_Nonnull dpy, Drawable drawable, int x, int y, int width, int height,
                   uint8_t *_Nonnull out);

/// Copies pixel_count 32-bit BGRX pixels, setting the X byte to 0xFF: the server leaves it 0, which
/// would make an RGBA file fully transparent.
void cx11_copy_opaque(uint8_t *_Nonnull dst, const uint8_t *_Nonnull src, size_t pixel_count);

/// Bits per pixel and byte order of ZPixmap images at the default depth (32 and LSBFirst is what we support).
int cx11_zpixmap_bits_per_pixel(Display *_Nonnull dpy);

/// The PID of the client that created window, via the X-Resource extension; -1 when unknown.
pid_t cx11_window_pid(Display *_Nonnull dpy, Window window);

/// Sends an EWMH client message (format 32) to the root window, as window managers expect.
void cx11_send_root_message(Display *_Nonnull dpy, Window window, Atom type, long d0, long d1, long d2,
                            long d3, long d4);

/// The XKB group (layout index) currently in effect, 0 when XKB is unavailable.
int cx11_active_group(Display *_Nonnull dpy);

/// Keysym at a given group and shift level for a keycode (XkbKeycodeToKeysym).
KeySym cx11_keysym_at(Display *_Nonnull dpy, KeyCode code, int group, int level);

/// Binds each keycode in codes to one keysym (0 clears it) with a single XKB SetMap request, so
/// other clients get one mapping notification for the whole batch, not one per key (each makes a
/// window manager re-grab its key bindings). A bound key carries its keysym on both levels.
/// Returns 0 on success, -1 when XKB is unavailable or the request fails.
int cx11_set_key_symbols(Display *_Nonnull dpy, const unsigned char *_Nonnull codes,
                         const unsigned long *_Nonnull keysyms, int count);

/// Waits until the connection has an event to read or timeout_ms passes; returns the pending count.
int cx11_wait_for_event(Display *_Nonnull dpy, int timeout_ms);

/// Asks the server (SECURITY extension) for a new MIT-MAGIC-COOKIE-1 authorization with trust_level
/// (XSecurityClientTrusted or XSecurityClientUntrusted) that expires timeout_seconds after its last
/// client disconnects, or after it is generated when none connects; 0 means it never expires.
/// Copies the cookie into data (capacity bytes, owned by the caller) and the server's id for the
/// authorization into *id. Returns the cookie length, or -1 when the request failed (the error is
/// left in the caller's trap) or the cookie did not fit, in which case it is revoked again.
int cx11_security_generate(Display *_Nonnull dpy, int trust_level, unsigned int timeout_seconds,
                           uint8_t *_Nonnull data, int capacity, unsigned long *_Nonnull id);

/// The XDamage event base of the display, -1 when the extension is missing.
int cx11_damage_event_base(Display *_Nonnull dpy);

/// Reads every pending event; returns how many were damage notifies and unions their areas into *box
/// (x, y, width, height; left untouched when none).
int cx11_drain_damage(Display *_Nonnull dpy, int damage_event_base, Damage damage, int *_Nonnull box);

/// Reads every pending event; returns how many were damage notifies for damage (nothing is subtracted).
int cx11_damage_notifies(Display *_Nonnull dpy, int damage_event_base, Damage damage);

/// Moves the damage accumulated so far into region and empties damage (one XDamageSubtract), then fetches
/// region: copies up to max rectangles (x, y, width, height each) into rects and the region's bounding box
/// into bounds. Returns how many rectangles the region holds (possibly more than max), -1 on failure.
int cx11_damage_take(Display *_Nonnull dpy, Damage damage, XserverRegion region, int *_Nonnull rects, int max,
                     int *_Nonnull bounds);

/// Copies a width x height block of 32-bit pixels from src (rows src_stride bytes apart) to dst (rows
/// dst_stride bytes apart), setting each pixel's fourth byte to 0xFF as cx11_copy_opaque does.
void cx11_copy_opaque_rows(uint8_t *_Nonnull dst, size_t dst_stride, const uint8_t *_Nonnull src, size_t src_stride,
                           int width, int height);

/// Selects XInput2 raw key, button and motion events from every device on the root window.
/// Returns the extension's major opcode, or -1 when the server lacks XInput 2.0.
int cx11_select_raw_input(Display *_Nonnull dpy);

/// Reads every pending event; returns how many were raw input events whose source device is not
/// one of the n ids in ignored (the XTEST devices), and the last such source in *source.
int cx11_drain_raw_input(Display *_Nonnull dpy, int opcode, const int *_Nullable ignored, int n, int *_Nonnull source);

/// One event of a person's input as the recorder reads it, in the order the server sent it.
typedef struct {
    int type;            // XI_RawKeyPress, XI_RawKeyRelease, XI_RawButtonPress, XI_RawButtonRelease, or MappingNotify
    int detail;          // the keycode or button number (0 for MappingNotify)
    int source;          // the slave device the event came from (0 for MappingNotify)
    unsigned long time;  // the server's timestamp in milliseconds (0 for MappingNotify)
} cx11_raw_event;

/// Selects XInput2 raw key and button presses and releases from every device on the root window,
/// announcing XInput 2.2 so raw events keep coming while another client holds a grab (an app's
/// implicit grab between a button's press and release included). Call at most once per connection.
/// Returns the extension's major opcode, or -1 when the server lacks XInput 2.2.
int cx11_select_raw_events(Display *_Nonnull dpy);

/// Selects XKB's map and new-keyboard notifications: a client that uses XKB, as Xlib does once any
/// Xkb call was made, no longer gets a core MappingNotify for every change (xserver xkbEvents.c,
/// XkbSendLegacyMapNotify). Returns the XKB event base, or -1 without XKB.
int cx11_select_keymap_changes(Display *_Nonnull dpy);

/// Reads pending events into events (at most max), in order: raw key and button events whose
/// source is not one of the n ids in ignored (the XTEST devices), each once (the copy a master
/// device repeats is skipped), and keymap changes (a core MappingNotify, or an XKB map or
/// new-keyboard notification when xkb_base is not -1), reported as MappingNotify. Other events
/// are dropped. Returns how many were written; the rest stay queued for the next call.
int cx11_read_raw_events(Display *_Nonnull dpy, int opcode, int xkb_base, const int *_Nullable ignored, int n,
                         cx11_raw_event *_Nonnull events, int max);

/// Fills ids with the XTEST slave devices' ids (at most max); returns how many there are.
int cx11_xtest_devices(Display *_Nonnull dpy, int *_Nonnull ids, int max);

/// The name of device id into name (at most size bytes, NUL-terminated); 0 when there is none.
int cx11_device_name(Display *_Nonnull dpy, int id, char *_Nonnull name, int size);

/// The screen saver's state from the MIT-SCREEN-SAVER extension (libXss): 1 when it is on (blanked or
/// cycling), 0 when off or disabled, -1 when the server lacks the extension.
int cx11_screensaver_active(Display *_Nonnull dpy);

/// Creates, maps and raises a banner: an override-redirect window (the window manager never manages or
/// focuses it) at the top-right corner of the screen showing text (A-Z and spaces, drawn with a built-in
/// pixel font, so no X font is needed) on red, whose input region is empty so clicks pass through to
/// the window below. The window goes away with the connection that made it. Returns 0 on failure.
Window cx11_banner_create(Display *_Nonnull dpy, const char *_Nonnull text);

#endif
