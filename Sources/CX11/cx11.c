#include "cx11.h"

#include <X11/extensions/shape.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

struct cx11_shm {
    XShmSegmentInfo info;
    XImage *image;
    int width;
    int height;
};

static _Thread_local int trap_active;
static _Thread_local int trap_count;
static _Thread_local cx11_error trap_first;

static int on_error(Display *dpy, XErrorEvent *event) {
    (void)dpy;
    // Errors outside a trap are dropped rather than fatal: each caller checks its own requests.
    if (trap_active) {
        if (trap_count == 0) {
            trap_first.error_code = event->error_code;
            trap_first.request_code = event->request_code;
            trap_first.minor_code = event->minor_code;
            trap_first.resource_id = event->resourceid;
        }
        trap_count++;
    }
    return 0;
}

static int on_io_error(Display *dpy) {
    (void)dpy;
    return 0;
}

static void on_io_error_exit(Display *dpy, void *user_data) {
    (void)dpy;
    // Returning instead of exiting leaves the display marked dead; later calls return at once.
    *(int *)user_data = 1;
}

void cx11_install_error_handlers(void) {
    XSetErrorHandler(on_error);
    XSetIOErrorHandler(on_io_error);
}

Display *cx11_open_display(const char *name, int *lost) {
    cx11_install_error_handlers();
    Display *dpy = XOpenDisplay(name);
    if (dpy) XSetIOErrorExitHandler(dpy, on_io_error_exit, lost);
    return dpy;
}

void cx11_trap_begin(void) {
    trap_active = 1;
    trap_count = 0;
    memset(&trap_first, 0, sizeof trap_first);
}

int cx11_trap_end(Display *dpy, cx11_error *first) {
    XSync(dpy, False);
    trap_active = 0;
    if (first) *first = trap_first;
    return trap_count;
}

int cx11_trap_end_after_reply(cx11_error *first) {
    trap_active = 0;
    if (first) *first = trap_first;
    return trap_count;
}

void cx11_error_text(Display *dpy, int code, char *buf, int size) {
    XGetErrorText(dpy, code, buf, size);
}

void cx11_copy_opaque(uint8_t *dst, const uint8_t *src, size_t pixel_count) {
    uint32_t *d = (uint32_t *)(void *)dst;
    const uint32_t *s = (const uint32_t *)(const void *)src;
    for (size_t i = 0; i < pixel_count; i++) d[i] = s[i] | 0xFF000000u;
}

int cx11_zpixmap_bits_per_pixel(Display *dpy) {
    int count = 0;
    int depth = XDefaultDepth(dpy, XDefaultScreen(dpy));
    XPixmapFormatValues *formats = XListPixmapFormats(dpy, &count);
    int bpp = 0;
    for (int i = 0; formats && i < count; i++) {
        if (formats[i].depth == depth) bpp = formats[i].bits_per_pixel;
    }
    if (formats) XFree(formats);
    return bpp;
}

cx11_shm *cx11_shm_create(Display *dpy, int width, int height) {
    if (!XShmQueryExtension(dpy)) return NULL;
    int screen = XDefaultScreen(dpy);
    cx11_shm *shm = calloc(1, sizeof *shm);
    if (!shm) return NULL;
    shm->info.shmid = -1;
    shm->image = XShmCreateImage(dpy, XDefaultVisual(dpy, screen), (unsigned)XDefaultDepth(dpy, screen), ZPixmap,
                                 NULL, &shm->info, (unsigned)width, (unsigned)height);
    if (!shm->image || shm->image->bits_per_pixel != 32) goto fail;
    shm->info.shmid = shmget(IPC_PRIVATE, (size_t)shm->image->bytes_per_line * (size_t)height, IPC_CREAT | 0600);
    if (shm->info.shmid < 0) goto fail;
    shm->info.shmaddr = shm->image->data = shmat(shm->info.shmid, NULL, 0);
    if (shm->info.shmaddr == (char *)-1) {
        shm->info.shmaddr = shm->image->data = NULL;
        goto fail;
    }
    shm->info.readOnly = False;
    cx11_trap_begin();
    Status attached = XShmAttach(dpy, &shm->info);
    // The attach fails only at XSync when the server cannot see our segment (another IPC namespace).
    int errors = cx11_trap_end(dpy, NULL);
    // Marked for removal now, so a crash leaks no segment; it lives until the last detach.
    shmctl(shm->info.shmid, IPC_RMID, NULL);
    if (!attached || errors) {
        if (attached) XShmDetach(dpy, &shm->info);
        goto fail;
    }
    shm->width = width;
    shm->height = height;
    return shm;
fail:
    if (shm->info.shmaddr) shmdt(shm->info.shmaddr);
    if (shm->info.shmid >= 0) shmctl(shm->info.shmid, IPC_RMID, NULL);
    if (shm->image) {
        shm->image->data = NULL;
        XDestroyImage(shm->image);
    }
    free(shm);
    return NULL;
}

const uint8_t *cx11_shm_capture(Display *dpy, cx11_shm *shm, Drawable drawable, int x, int y, int width,
                                int height) {
    if (width <= 0 || height <= 0 || width > shm->width || height > shm->height) return NULL;
    XImage *img = shm->image;
    int saved_w = img->width, saved_h = img->height, saved_bpl = img->bytes_per_line;
    // A smaller request reuses the same segment: the server packs rows at width*4 bytes.
    img->width = width;
    img->height = height;
    img->bytes_per_line = width * 4;
    Status ok = XShmGetImage(dpy, drawable, img, x, y, AllPlanes);
    img->width = saved_w;
    img->height = saved_h;
    img->bytes_per_line = saved_bpl;
    return ok ? (const uint8_t *)shm->info.shmaddr : NULL;
}

void cx11_shm_destroy(Display *dpy, cx11_shm *shm) {
    if (!shm) return;
    XShmDetach(dpy, &shm->info);
    XSync(dpy, False);
    shmdt(shm->info.shmaddr);
    shm->image->data = NULL;
    XDestroyImage(shm->image);
    free(shm);
}

int cx11_get_image(Display *dpy, Drawable drawable, int x, int y, int width, int height, uint8_t *out) {
    cx11_trap_begin();
    XImage *img = XGetImage(dpy, drawable, x, y, (unsigned)width, (unsigned)height, AllPlanes, ZPixmap);
    int errors = cx11_trap_end_after_reply(NULL);
    if (!img || errors) {
        if (img) XDestroyImage(img);
        return -1;
    }
    int rc = -1;
    if (img->bits_per_pixel == 32 && img->byte_order == LSBFirst) {
        size_t row = (size_t)width * 4;
        for (int r = 0; r < height; r++)
            cx11_copy_opaque(out + row * (size_t)r, (const uint8_t *)img->data + (size_t)img->bytes_per_line * (size_t)r,
                             (size_t)width);
        rc = 0;
    }
    XDestroyImage(img);
    return rc;
}

pid_t cx11_window_pid(Display *dpy, Window window) {
    int event_base, error_base;
    if (!XResQueryExtension(dpy, &event_base, &error_base)) return -1;
    XResClientIdSpec spec = {.client = window, .mask = XRES_CLIENT_ID_PID_MASK};
    long count = 0;
    XResClientIdValue *ids = NULL;
    cx11_trap_begin();
    Status status = XResQueryClientIds(dpy, 1, &spec, &count, &ids);
    int errors = cx11_trap_end_after_reply(NULL);
    pid_t pid = -1;
    if (status == Success && !errors) {
        for (long i = 0; i < count; i++) {
            pid_t p = XResGetClientPid(&ids[i]);
            if (p > 0) pid = p;
        }
    }
    if (ids) XResClientIdsDestroy(count, ids);
    return pid;
}

void cx11_send_root_message(Display *dpy, Window window, Atom type, long d0, long d1, long d2, long d3, long d4) {
    XEvent event;
    memset(&event, 0, sizeof event);
    event.xclient.type = ClientMessage;
    event.xclient.serial = 0;
    event.xclient.send_event = True;
    event.xclient.display = dpy;
    event.xclient.window = window;
    event.xclient.message_type = type;
    event.xclient.format = 32;
    event.xclient.data.l[0] = d0;
    event.xclient.data.l[1] = d1;
    event.xclient.data.l[2] = d2;
    event.xclient.data.l[3] = d3;
    event.xclient.data.l[4] = d4;
    XSendEvent(dpy, XDefaultRootWindow(dpy), False, SubstructureRedirectMask | SubstructureNotifyMask, &event);
}

int cx11_active_group(Display *dpy) {
    XkbStateRec state;
    if (XkbGetState(dpy, XkbUseCoreKbd, &state) != Success) return 0;
    return state.group;
}

KeySym cx11_keysym_at(Display *dpy, KeyCode code, int group, int level) {
    return XkbKeycodeToKeysym(dpy, code, (unsigned)group, (unsigned)level);
}

int cx11_set_key_symbols(Display *dpy, const unsigned char *codes, const unsigned long *keysyms, int count) {
    if (count <= 0) return 0;
    XkbDescPtr xkb = XkbGetMap(dpy, XkbKeySymsMask | XkbKeyTypesMask, XkbUseCoreKbd);
    if (!xkb) return -1;
    int low = codes[0], high = codes[0];
    for (int i = 0; i < count; i++) {
        int code = codes[i];
        if (code < xkb->min_key_code || code > xkb->max_key_code) {
            XkbFreeKeyboard(xkb, 0, True);
            return -1;
        }
        if (code < low) low = code;
        if (code > high) high = code;
        XkbSymMapPtr map = &xkb->map->key_sym_map[code];
        if (keysyms[i]) {
            // Two levels carrying the same keysym: XKB clients ignore Shift, and core-protocol
            // clients, which case-convert a lone keysym (Omega would type omega), see it twice.
            KeySym *syms = XkbResizeKeySyms(xkb, code, 2);
            if (!syms) {
                XkbFreeKeyboard(xkb, 0, True);
                return -1;
            }
            syms[0] = syms[1] = keysyms[i];
            map->kt_index[0] = XkbTwoLevelIndex;
            map->group_info = XkbSetNumGroups(0, 1);
            map->width = 2;
        } else {
            XkbResizeKeySyms(xkb, code, 0);
            map->group_info = XkbSetNumGroups(0, 0);
            map->width = 0;
        }
    }
    // The keys between low and high are sent back exactly as the server described them.
    XkbMapChangesRec changes;
    memset(&changes, 0, sizeof changes);
    changes.changed = XkbKeySymsMask;
    changes.first_key_sym = (KeyCode)low;
    changes.num_key_syms = (unsigned char)(high - low + 1);
    cx11_trap_begin();
    Bool ok = XkbChangeMap(dpy, xkb, &changes);
    int errors = cx11_trap_end(dpy, NULL);
    XkbFreeKeyboard(xkb, 0, True);
    return ok && !errors ? 0 : -1;
}

int cx11_wait_for_event(Display *dpy, int timeout_ms) {
    int pending = XPending(dpy);
    if (pending > 0 || timeout_ms <= 0) return pending;
    struct pollfd pfd = {.fd = XConnectionNumber(dpy), .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) <= 0) return 0;
    return XPending(dpy);
}

int cx11_security_generate(Display *dpy, int trust_level, unsigned int timeout_seconds, uint8_t *data, int capacity,
                           unsigned long *id) {
    static const char protocol[] = "MIT-MAGIC-COOKIE-1";
    // With no data in auth_in the server generates the cookie itself (security extension spec,
    // SecurityGenerateAuthorization); the reply is one block that XSecurityFreeXauth releases.
    Xauth auth_in;
    memset(&auth_in, 0, sizeof auth_in);
    auth_in.name = (char *)protocol;
    auth_in.name_length = sizeof protocol - 1;
    XSecurityAuthorizationAttributes attributes;
    memset(&attributes, 0, sizeof attributes);
    attributes.timeout = timeout_seconds;
    attributes.trust_level = (unsigned)trust_level;
    XSecurityAuthorization auth_id = 0;
    Xauth *auth = XSecurityGenerateAuthorization(dpy, &auth_in, XSecurityTimeout | XSecurityTrustLevel, &attributes,
                                                 &auth_id);
    if (!auth) return -1;
    int length = auth->data_length;
    if (length > capacity) {
        XSecurityRevokeAuthorization(dpy, auth_id);
        length = -1;
    } else {
        memcpy(data, auth->data, (size_t)length);
        *id = auth_id;
    }
    XSecurityFreeXauth(auth);
    return length;
}

int cx11_damage_event_base(Display *dpy) {
    int event_base, error_base;
    if (!XDamageQueryExtension(dpy, &event_base, &error_base)) return -1;
    return event_base;
}

int cx11_drain_damage(Display *dpy, int damage_event_base, Damage damage, int *box) {
    int seen = 0;
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    while (XPending(dpy) > 0) {
        XEvent event;
        XNextEvent(dpy, &event);
        if (event.type != damage_event_base + XDamageNotify) continue;
        XDamageNotifyEvent *d = (XDamageNotifyEvent *)&event;
        if (d->damage != damage) continue;
        int ax = d->area.x, ay = d->area.y, bx = d->area.x + d->area.width, by = d->area.y + d->area.height;
        if (seen == 0) {
            x0 = ax; y0 = ay; x1 = bx; y1 = by;
        } else {
            if (ax < x0) x0 = ax;
            if (ay < y0) y0 = ay;
            if (bx > x1) x1 = bx;
            if (by > y1) y1 = by;
        }
        seen++;
    }
    if (seen) {
        // Subtract so the next notify is reported (DamageReportRawRectangles needs no subtract, but
        // keeping the region empty bounds server memory).
        XDamageSubtract(dpy, damage, None, None);
        box[0] = x0; box[1] = y0; box[2] = x1 - x0; box[3] = y1 - y0;
    }
    return seen;
}

int cx11_damage_notifies(Display *dpy, int damage_event_base, Damage damage) {
    int seen = 0;
    while (XPending(dpy) > 0) {
        XEvent event;
        XNextEvent(dpy, &event);
        if (event.type != damage_event_base + XDamageNotify) continue;
        if (((XDamageNotifyEvent *)&event)->damage == damage) seen++;
    }
    return seen;
}

int cx11_damage_take(Display *dpy, Damage damage, XserverRegion region, int *rects, int max, int *bounds) {
    // With repair None the whole damage region goes into parts and damage is emptied (damageproto,
    // DamageSubtract), so the next drawing sends a fresh notify under XDamageReportNonEmpty.
    XDamageSubtract(dpy, damage, None, region);
    int count = 0;
    XRectangle box;
    XRectangle *parts = XFixesFetchRegionAndBounds(dpy, region, &count, &box);
    if (!parts && count != 0) return -1;
    for (int i = 0; i < count && i < max; i++) {
        rects[4 * i] = parts[i].x;
        rects[4 * i + 1] = parts[i].y;
        rects[4 * i + 2] = parts[i].width;
        rects[4 * i + 3] = parts[i].height;
    }
    bounds[0] = box.x;
    bounds[1] = box.y;
    bounds[2] = box.width;
    bounds[3] = box.height;
    if (parts) XFree(parts);
    return count;
}

void cx11_copy_opaque_rows(uint8_t *dst, size_t dst_stride, const uint8_t *src, size_t src_stride, int width,
                           int height) {
    for (int row = 0; row < height; row++) {
        cx11_copy_opaque(dst + (size_t)row * dst_stride, src + (size_t)row * src_stride, (size_t)width);
    }
}

// A 5x7 pixel font for the banner's capitals: one row a byte, bit 4 the leftmost pixel.
static const unsigned char banner_glyphs[26][7] = {
    {14, 17, 17, 31, 17, 17, 17}, {30, 17, 17, 30, 17, 17, 30}, {14, 17, 16, 16, 16, 17, 14}, /* A B C */
    {30, 17, 17, 17, 17, 17, 30}, {31, 16, 16, 30, 16, 16, 31}, {31, 16, 16, 30, 16, 16, 16}, /* D E F */
    {14, 17, 16, 23, 17, 17, 15}, {17, 17, 17, 31, 17, 17, 17}, {14, 4, 4, 4, 4, 4, 14},      /* G H I */
    {7, 2, 2, 2, 2, 18, 12},      {17, 18, 20, 24, 20, 18, 17}, {16, 16, 16, 16, 16, 16, 31}, /* J K L */
    {17, 27, 21, 21, 17, 17, 17}, {17, 25, 21, 19, 17, 17, 17}, {14, 17, 17, 17, 17, 17, 14}, /* M N O */
    {30, 17, 17, 30, 16, 16, 16}, {14, 17, 17, 17, 21, 18, 13}, {30, 17, 17, 30, 20, 18, 17}, /* P Q R */
    {15, 16, 16, 14, 1, 1, 30},   {31, 4, 4, 4, 4, 4, 4},       {17, 17, 17, 17, 17, 17, 14}, /* S T U */
    {17, 17, 17, 17, 17, 10, 4},  {17, 17, 17, 21, 21, 21, 10}, {17, 17, 10, 4, 10, 17, 17},  /* V W X */
    {17, 17, 10, 4, 4, 4, 4},     {31, 1, 2, 4, 8, 16, 31},                                   /* Y Z */
};

Window cx11_banner_create(Display *dpy, const char *text) {
    enum { scale = 2, advance = 6 * scale, padding = 8, height = 7 * scale + 2 * padding };
    const unsigned long red = 0xB71C1C, white = 0xFFFFFF;
    int screen = DefaultScreen(dpy);
    int length = (int)strlen(text);
    int width = length * advance + 2 * padding;
    int x = DisplayWidth(dpy, screen) - width;
    if (x < 0) x = 0;
    XSetWindowAttributes attributes;
    attributes.override_redirect = True;
    attributes.background_pixel = red;
    attributes.border_pixel = 0;
    Window window = XCreateWindow(dpy, RootWindow(dpy, screen), x, 0, (unsigned)width, height, 0, CopyFromParent,
                                  InputOutput, CopyFromParent, CWOverrideRedirect | CWBackPixel | CWBorderPixel,
                                  &attributes);
    if (window == 0) return 0;
    // The text lives in the background pixmap, which the server repaints by itself on every expose:
    // nobody has to read events for the banner to stay readable.
    Pixmap pixmap = XCreatePixmap(dpy, window, (unsigned)width, height, (unsigned)DefaultDepth(dpy, screen));
    GC gc = XCreateGC(dpy, pixmap, 0, NULL);
    XSetForeground(dpy, gc, red);
    XFillRectangle(dpy, pixmap, gc, 0, 0, (unsigned)width, height);
    XSetForeground(dpy, gc, white);
    for (int i = 0; i < length; i++) {
        int c = text[i];
        if (c >= 'a' && c <= 'z') c -= 'a' - 'A';
        if (c < 'A' || c > 'Z') continue;
        for (int row = 0; row < 7; row++)
            for (int column = 0; column < 5; column++)
                if (banner_glyphs[c - 'A'][row] & (16 >> column))
                    XFillRectangle(dpy, pixmap, gc, padding + i * advance + column * scale, padding + row * scale,
                                   scale, scale);
    }
    XSetWindowBackgroundPixmap(dpy, window, pixmap);
    XFreePixmap(dpy, pixmap);
    XFreeGC(dpy, gc);
    // An empty input region: pointer events fall through to the window below, as if the banner were not there.
    XserverRegion empty = XFixesCreateRegion(dpy, NULL, 0);
    XFixesSetWindowShapeRegion(dpy, window, ShapeInput, 0, 0, empty);
    XFixesDestroyRegion(dpy, empty);
    XStoreName(dpy, window, "foredesk banner");
    XClassHint hint = {.res_name = "foredesk-banner", .res_class = "Foredesk"};
    XSetClassHint(dpy, window, &hint);
    XMapRaised(dpy, window);
    return window;
}

int cx11_screensaver_active(Display *dpy) {
    int event_base = 0, error_base = 0;
    if (!XScreenSaverQueryExtension(dpy, &event_base, &error_base)) return -1;
    XScreenSaverInfo *info = XScreenSaverAllocInfo();
    if (info == NULL) return -1;
    int active = -1;
    if (XScreenSaverQueryInfo(dpy, DefaultRootWindow(dpy), info))
        active = info->state == ScreenSaverOn || info->state == ScreenSaverCycle;
    XFree(info);
    return active;
}

// ---- XInput2 raw input: who else is typing or moving the pointer ----

int cx11_select_raw_input(Display *dpy) {
    int opcode, event, error;
    if (!XQueryExtension(dpy, "XInputExtension", &opcode, &event, &error)) return -1;
    int major = 2, minor = 0;
    if (XIQueryVersion(dpy, &major, &minor) != Success) return -1;
    unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {0};
    XISetMask(bits, XI_RawKeyPress);
    XISetMask(bits, XI_RawButtonPress);
    XISetMask(bits, XI_RawMotion);
    // Raw events go to the root window of clients that select them there, whatever has the focus
    // or a grab; XIAllDevices reports the slave each came from.
    XIEventMask mask = {.deviceid = XIAllDevices, .mask_len = sizeof bits, .mask = bits};
    XISelectEvents(dpy, DefaultRootWindow(dpy), &mask, 1);
    XSync(dpy, False);
    return opcode;
}

int cx11_drain_raw_input(Display *dpy, int opcode, const int *ignored, int n, int *source) {
    int foreign = 0;
    while (XPending(dpy) > 0) {
        XEvent event;
        XNextEvent(dpy, &event);
        XGenericEventCookie *cookie = &event.xcookie;
        if (cookie->type != GenericEvent || cookie->extension != opcode || !XGetEventData(dpy, cookie)) continue;
        if (cookie->evtype == XI_RawKeyPress || cookie->evtype == XI_RawButtonPress || cookie->evtype == XI_RawMotion) {
            const XIRawEvent *raw = cookie->data;
            int known = 0;
            for (int i = 0; i < n && ignored; i++) known |= ignored[i] == raw->sourceid;
            if (!known) {
                foreign++;
                *source = raw->sourceid;
            }
        }
        XFreeEventData(dpy, cookie);
    }
    return foreign;
}

int cx11_select_raw_events(Display *dpy) {
    int opcode, event, error;
    if (!XQueryExtension(dpy, "XInputExtension", &opcode, &event, &error)) return -1;
    // XI 2.0 clients get raw events only while no other client grabs the device (XI2proto.txt,
    // "Raw events"); from 2.1 on they come whatever grabs, and a button's release happens under
    // the implicit grab its press started.
    int major = 2, minor = 2;
    if (XIQueryVersion(dpy, &major, &minor) != Success || major < 2 || (major == 2 && minor < 1)) return -1;
    unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {0};
    XISetMask(bits, XI_RawKeyPress);
    XISetMask(bits, XI_RawKeyRelease);
    XISetMask(bits, XI_RawButtonPress);
    XISetMask(bits, XI_RawButtonRelease);
    XIEventMask mask = {.deviceid = XIAllDevices, .mask_len = sizeof bits, .mask = bits};
    XISelectEvents(dpy, DefaultRootWindow(dpy), &mask, 1);
    XSync(dpy, False);
    return opcode;
}

int cx11_select_keymap_changes(Display *dpy) {
    int opcode, event_base, error_base, major = XkbMajorVersion, minor = XkbMinorVersion;
    if (!XkbQueryExtension(dpy, &opcode, &event_base, &error_base, &major, &minor)) return -1;
    unsigned int mask = XkbMapNotifyMask | XkbNewKeyboardNotifyMask;
    if (!XkbSelectEvents(dpy, XkbUseCoreKbd, mask, mask)) return -1;
    XSync(dpy, False);
    return event_base;
}

int cx11_read_raw_events(Display *dpy, int opcode, int xkb_base, const int *ignored, int n, cx11_raw_event *events,
                         int max) {
    int count = 0;
    while (count < max && XPending(dpy) > 0) {
        XEvent event;
        XNextEvent(dpy, &event);
        if (event.type == MappingNotify) {
            XRefreshKeyboardMapping(&event.xmapping);
            events[count++] = (cx11_raw_event){.type = MappingNotify};
            continue;
        }
        if (xkb_base >= 0 && event.type == xkb_base) {
            int kind = ((XkbEvent *)&event)->any.xkb_type;
            if (kind == XkbMapNotify || kind == XkbNewKeyboardNotify)
                events[count++] = (cx11_raw_event){.type = MappingNotify};
            continue;
        }
        XGenericEventCookie *cookie = &event.xcookie;
        if (cookie->type != GenericEvent || cookie->extension != opcode || !XGetEventData(dpy, cookie)) continue;
        int type = cookie->evtype;
        if (type == XI_RawKeyPress || type == XI_RawKeyRelease || type == XI_RawButtonPress ||
            type == XI_RawButtonRelease) {
            const XIRawEvent *raw = cookie->data;
            int known = 0;
            for (int i = 0; i < n && ignored; i++) known |= ignored[i] == raw->sourceid;
            // Selected for all devices, an event can come once from its slave and again from the
            // master it is attached to; the slave's own copy is the one to keep.
            if (!known && raw->deviceid == raw->sourceid)
                events[count++] = (cx11_raw_event){
                    .type = type, .detail = raw->detail, .source = raw->sourceid, .time = raw->time};
        }
        XFreeEventData(dpy, cookie);
    }
    return count;
}

int cx11_xtest_devices(Display *dpy, int *ids, int max) {
    int count = 0, found = 0;
    XIDeviceInfo *devices = XIQueryDevice(dpy, XIAllDevices, &count);
    if (!devices) return 0;
    for (int i = 0; i < count; i++) {
        const XIDeviceInfo *device = &devices[i];
        if ((device->use == XISlavePointer || device->use == XISlaveKeyboard) && device->name &&
            strstr(device->name, "XTEST")) {
            if (found < max) ids[found] = device->deviceid;
            found++;
        }
    }
    XIFreeDeviceInfo(devices);
    return found;
}

int cx11_device_name(Display *dpy, int id, char *name, int size) {
    int count = 0;
    XIDeviceInfo *devices = XIQueryDevice(dpy, id, &count);
    if (!devices || count < 1 || size < 1) {
        if (devices) XIFreeDeviceInfo(devices);
        return 0;
    }
    snprintf(name, (size_t)size, "%s", devices[0].name ? devices[0].name : "");
    XIFreeDeviceInfo(devices);
    return 1;
}
