/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VNC server (RFB 3.3/3.7/3.8, RFC 6143). One server per -vnc
 * option, watching the first graphic console; several clients at once.
 */
#ifndef KEMU_UI_VNC_H
#define KEMU_UI_VNC_H

#include "util/osdep.h"
#include "util/error.h"

/* "-vnc :N | HOST:N | unix:PATH | none [,password=on][,share=...]
 *  [,websocket=on|PORT]". */
bool vnc_display_init(const char *spec, Error **errp);
/* "change vnc password": needs password=on. */
bool vnc_display_password(const char *password, Error **errp);
/* "info vnc" text, QEMU's layout. */
void vnc_info(GString *out);
bool vnc_display_active(void);

/* ---- the protocol engine, also driven by the fuzz target ---- */
typedef struct VncClient VncClient;
typedef struct VncDisplay VncDisplay;

/* A server without listeners, for feeding bytes in tests. */
VncDisplay *vnc_display_new_detached(bool password, const char *pw);
VncClient *vnc_client_new_detached(VncDisplay *vd, bool websocket);
/* Feeds client bytes; false once the client was dropped. */
bool vnc_client_feed(VncClient *vc, const uint8_t *data, size_t len);
/* Bytes the server queued for the client (taken by the caller). */
GByteArray *vnc_client_take_output(VncClient *vc);
/* Runs one update round (what the refresh timer does). */
void vnc_display_refresh_now(VncDisplay *vd);
void vnc_client_free_detached(VncClient *vc);
void vnc_display_free_detached(VncDisplay *vd);

#endif
