/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compressed clusters: raw deflate (zlib, 4 KiB window, no header) or a
 * zstd frame. Compressed data is followed by whatever shares its last
 * sector, so decompression stops once a whole cluster came out.
 */
#include "util/osdep.h"
#include "qcow2.h"
#include <zlib.h>
#include <zstd.h>

int qcow2_decompress(int type, const uint8_t *in, size_t in_len,
                     uint8_t *out, size_t out_len)
{
    if (type == QCOW2_COMPRESSION_ZLIB) {
        z_stream z = { 0 };
        if (inflateInit2(&z, -12) != Z_OK) {
            return -1;
        }
        z.next_in = (Bytef *)in;
        z.avail_in = in_len;
        z.next_out = out;
        z.avail_out = out_len;
        int r = inflate(&z, Z_FINISH);
        bool ok = (r == Z_STREAM_END || r == Z_BUF_ERROR || r == Z_OK) &&
                  z.avail_out == 0;
        inflateEnd(&z);
        return ok ? 0 : -1;
    }
    if (type == QCOW2_COMPRESSION_ZSTD) {
        ZSTD_DCtx *dctx = ZSTD_createDCtx();
        if (!dctx) {
            return -1;
        }
        ZSTD_inBuffer ib = { in, in_len, 0 };
        ZSTD_outBuffer ob = { out, out_len, 0 };
        int ret = 0;
        while (ob.pos < ob.size) {
            size_t r = ZSTD_decompressStream(dctx, &ob, &ib);
            if (ZSTD_isError(r)) {
                ret = -1;
                break;
            }
            if (r == 0 && ob.pos < ob.size) {
                /* Frame ended early: not a whole cluster. */
                if (ib.pos >= ib.size) {
                    ret = -1;
                    break;
                }
            }
            if (ib.pos >= ib.size && ob.pos < ob.size && r != 0) {
                ret = -1;
                break;
            }
        }
        ZSTD_freeDCtx(dctx);
        return ret;
    }
    return -1;
}

ssize_t qcow2_compress(int type, const uint8_t *in, size_t in_len,
                       uint8_t *out, size_t out_len)
{
    if (type == QCOW2_COMPRESSION_ZLIB) {
        z_stream z = { 0 };
        if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                         Z_DEFAULT_STRATEGY) != Z_OK) {
            return -1;
        }
        z.next_in = (Bytef *)in;
        z.avail_in = in_len;
        z.next_out = out;
        z.avail_out = out_len;
        int r = deflate(&z, Z_FINISH);
        ssize_t len = (r == Z_STREAM_END) ? (ssize_t)(out_len - z.avail_out)
                                          : -1;
        deflateEnd(&z);
        return len;
    }
    if (type == QCOW2_COMPRESSION_ZSTD) {
        size_t r = ZSTD_compress(out, out_len, in, in_len, 1);
        return ZSTD_isError(r) ? -1 : (ssize_t)r;
    }
    return -1;
}
