/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * query-qmp-schema: what kemu's QMP really accepts and returns, in
 * QEMU's introspection format (a list of SchemaInfo: commands, events,
 * object/enum/array types and builtins, with opaque numeric names for
 * the non-builtin types, as QEMU does).
 *
 * The tables below are the source of truth. Every registered QMP command
 * needs an entry in schema_commands[]: a command without one is left out
 * of the schema, and tests/functional/test_qmp_schema.py fails because
 * query-commands and the schema then disagree.
 *
 * Notation: a member list is "name:T,name?:T" ('?' optional); T is a
 * builtin (str int bool number any null), "[T]" for arrays, or a name
 * in schema_types[]; a command's arguments "@Type" are that type whole
 * (blockdev-add's union). An enum body "@runstate"/"@shutdown-cause" takes
 * its values from the run-state code, so it cannot drift.
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "sysemu/runstate.h"
#include "ui/input.h"

typedef struct SchemaType {
    const char *name;
    bool is_enum;
    const char *body;           /* members, or enum values "a,b,c" */
    const char *tag;            /* union: the discriminator member */
    const char *variants;       /* union: "case:Type,..." */
} SchemaType;

typedef struct SchemaCommand {
    const char *name;
    const char *args;           /* member list; NULL: none */
    const char *ret;            /* type; NULL: {} */
} SchemaCommand;

typedef struct SchemaEvent {
    const char *name;
    const char *data;           /* member list; NULL: none */
} SchemaEvent;

#define CHR_COMMON "logfile?:str,logappend?:bool"

static const SchemaType schema_types[] = {
    /* query-version, query-status, query-target, ... */
    { "VersionTriple", false, "major:int,minor:int,micro:int" },
    { "VersionInfo", false, "qemu:VersionTriple,package:str" },
    { "RunState", true, "@runstate" },
    { "ShutdownCause", true, "@shutdown-cause" },
    { "StatusInfo", false, "running:bool,singlestep:bool,status:RunState" },
    { "NameInfo", false, "name?:str" },
    { "UuidInfo", false, "UUID:str" },
    { "KvmInfo", false, "enabled:bool,present:bool" },
    { "SysEmuTarget", true, "x86_64" },
    { "TargetInfo", false, "arch:SysEmuTarget" },
    { "CommandInfo", false, "name:str" },
    { "QMPCapability", true, "oob" },
    { "CpuInstanceProperties", false,
      "node-id?:int,socket-id?:int,die-id?:int,cluster-id?:int,"
      "core-id?:int,thread-id?:int" },
    { "CpuInfoFast", false,
      "cpu-index:int,qom-path:str,thread-id:int,"
      "props?:CpuInstanceProperties,target:SysEmuTarget" },
    { "HotpluggableCPU", false,
      "type:str,vcpus-count:int,props:CpuInstanceProperties,qom-path?:str" },
    { "MachineInfo", false,
      "name:str,alias?:str,is-default?:bool,cpu-max:int,"
      "hotpluggable-cpus:bool,numa-mem-supported:bool,deprecated:bool,"
      "default-cpu-type?:str,default-ram-id?:str" },
    /* QOM */
    { "ObjectPropertyInfo", false,
      "name:str,type:str,description?:str,default-value?:any" },
    { "ObjectTypeInfo", false, "name:str,abstract?:bool,parent?:str" },
    /* chardevs */
    { "ChardevInfo", false, "label:str,filename:str,frontend-open:bool" },
    { "DataFormat", true, "utf8,base64" },
    { "ChardevReturn", false, "pty?:str" },
    { "ChardevBackendKind", true,
      "file,pipe,socket,pty,null,mux,stdio,ringbuf,memory" },
    { "ChardevBackend", false, "type:ChardevBackendKind", "type",
      "file:ChardevFileWrapper,pipe:ChardevHostdevWrapper,"
      "socket:ChardevSocketWrapper,pty:ChardevCommonWrapper,"
      "null:ChardevCommonWrapper,mux:ChardevMuxWrapper,"
      "stdio:ChardevStdioWrapper,ringbuf:ChardevRingbufWrapper,"
      "memory:ChardevRingbufWrapper" },
    { "ChardevFileWrapper", false, "data:ChardevFile" },
    { "ChardevFile", false, CHR_COMMON ",in?:str,out:str,append?:bool" },
    { "ChardevHostdevWrapper", false, "data:ChardevHostdev" },
    { "ChardevHostdev", false, CHR_COMMON ",device:str" },
    { "ChardevSocketWrapper", false, "data:ChardevSocket" },
    { "ChardevSocket", false,
      CHR_COMMON ",addr:SocketAddressLegacy,server?:bool,wait?:bool,"
      "nodelay?:bool,telnet?:bool,reconnect?:int" },
    { "SocketAddressType", true, "inet,unix" },
    { "SocketAddressLegacy", false, "type:SocketAddressType", "type",
      "inet:InetSocketAddressWrapper,unix:UnixSocketAddressWrapper" },
    { "InetSocketAddressWrapper", false, "data:InetSocketAddress" },
    { "InetSocketAddress", false,
      "host:str,port:str,numeric?:bool,to?:int,ipv4?:bool,ipv6?:bool" },
    { "UnixSocketAddressWrapper", false, "data:UnixSocketAddress" },
    { "UnixSocketAddress", false, "path:str" },
    { "ChardevCommonWrapper", false, "data:ChardevCommon" },
    { "ChardevCommon", false, CHR_COMMON },
    { "ChardevMuxWrapper", false, "data:ChardevMux" },
    { "ChardevMux", false, CHR_COMMON ",chardev:str" },
    { "ChardevStdioWrapper", false, "data:ChardevStdio" },
    { "ChardevStdio", false, CHR_COMMON ",signal?:bool" },
    { "ChardevRingbufWrapper", false, "data:ChardevRingbuf" },
    { "ChardevRingbuf", false, CHR_COMMON ",size?:int" },
    /* screendump, send-key, input-send-event */
    { "ImageFormat", true, "ppm,png" },
    { "QKeyCode", true, "@qkeycode" },
    { "KeyValueKind", true, "number,qcode" },
    { "KeyValue", false, "type:KeyValueKind", "type",
      "number:IntWrapper,qcode:QKeyCodeWrapper" },
    { "IntWrapper", false, "data:int" },
    { "QKeyCodeWrapper", false, "data:QKeyCode" },
    { "InputEventKind", true, "key,btn,rel,abs" },
    { "InputEvent", false, "type:InputEventKind", "type",
      "key:InputKeyEventWrapper,btn:InputBtnEventWrapper,"
      "rel:InputMoveEventWrapper,abs:InputMoveEventWrapper" },
    { "InputKeyEventWrapper", false, "data:InputKeyEvent" },
    { "InputKeyEvent", false, "key:KeyValue,down:bool" },
    { "InputBtnEventWrapper", false, "data:InputBtnEvent" },
    { "InputButton", true,
      "left,middle,right,wheel-up,wheel-down,side,extra,wheel-left,"
      "wheel-right" },
    { "InputBtnEvent", false, "button:InputButton,down:bool" },
    { "InputMoveEventWrapper", false, "data:InputMoveEvent" },
    { "InputAxis", true, "x,y" },
    { "InputMoveEvent", false, "axis:InputAxis,value:int" },
    /* dump-guest-memory */
    { "DumpGuestMemoryFormat", true, "elf" },
    /* block */
    { "BlockDeviceIoStatus", true, "ok,failed,nospace" },
    { "BlockdevDetectZeroesOptions", true, "off,on,unmap" },
    { "BlockdevCacheInfo", false, "writeback:bool,direct:bool,no-flush:bool" },
    { "SnapshotInfo", false,
      "id:str,name:str,vm-state-size:int,date-sec:int,date-nsec:int,"
      "vm-clock-sec:int,vm-clock-nsec:int,icount?:int" },
    { "Qcow2CompressionType", true, "zlib,zstd" },
    { "Qcow2BitmapInfoFlags", true, "in-use,auto" },
    { "Qcow2BitmapInfo", false,
      "name:str,granularity:int,flags:[Qcow2BitmapInfoFlags]" },
    { "ImageInfoSpecificQCow2", false,
      "compat:str,data-file?:str,data-file-raw?:bool,extended-l2?:bool,"
      "lazy-refcounts?:bool,corrupt?:bool,refcount-bits:int,"
      "bitmaps?:[Qcow2BitmapInfo],compression-type:Qcow2CompressionType" },
    { "ImageInfoSpecificQCow2Wrapper", false, "data:ImageInfoSpecificQCow2" },
    { "ImageInfoSpecificKind", true, "qcow2" },
    { "ImageInfoSpecific", false, "type:ImageInfoSpecificKind", "type",
      "qcow2:ImageInfoSpecificQCow2Wrapper" },
    { "ImageInfo", false,
      "filename:str,format:str,dirty-flag?:bool,actual-size?:int,"
      "virtual-size:int,cluster-size?:int,encrypted?:bool,compressed?:bool,"
      "backing-filename?:str,full-backing-filename?:str,"
      "backing-filename-format?:str,snapshots?:[SnapshotInfo],"
      "backing-image?:ImageInfo,format-specific?:ImageInfoSpecific" },
    { "BlockDeviceInfo", false,
      "file:str,node-name?:str,ro:bool,drv:str,backing_file?:str,"
      "backing_file_depth:int,encrypted:bool,"
      "detect_zeroes:BlockdevDetectZeroesOptions,bps:int,bps_rd:int,"
      "bps_wr:int,iops:int,iops_rd:int,iops_wr:int,image:ImageInfo,"
      "cache:BlockdevCacheInfo,write_threshold:int" },
    { "BlockInfo", false,
      "device:str,qdev?:str,type:str,removable:bool,locked:bool,"
      "inserted?:BlockDeviceInfo,tray_open?:bool,"
      "io-status?:BlockDeviceIoStatus" },
    { "BlockDeviceTimedStats", false,
      "interval_length:int,min_rd_latency_ns:int,max_rd_latency_ns:int,"
      "avg_rd_latency_ns:int,min_wr_latency_ns:int,max_wr_latency_ns:int,"
      "avg_wr_latency_ns:int,min_flush_latency_ns:int,"
      "max_flush_latency_ns:int,avg_flush_latency_ns:int,"
      "avg_rd_queue_depth:number,avg_wr_queue_depth:number" },
    { "BlockDeviceStats", false,
      "rd_bytes:int,wr_bytes:int,unmap_bytes:int,rd_operations:int,"
      "wr_operations:int,flush_operations:int,unmap_operations:int,"
      "rd_total_time_ns:int,wr_total_time_ns:int,flush_total_time_ns:int,"
      "unmap_total_time_ns:int,wr_highest_offset:int,rd_merged:int,"
      "wr_merged:int,unmap_merged:int,idle_time_ns?:int,"
      "failed_rd_operations:int,failed_wr_operations:int,"
      "failed_flush_operations:int,failed_unmap_operations:int,"
      "invalid_rd_operations:int,invalid_wr_operations:int,"
      "invalid_flush_operations:int,invalid_unmap_operations:int,"
      "account_invalid:bool,account_failed:bool,"
      "timed_stats:[BlockDeviceTimedStats]" },
    { "BlockdevDriver", true, "file,host_device,null-co,qcow2,raw" },
    { "BlockStatsSpecificFile", false,
      "discard-nb-ok:int,discard-nb-failed:int,discard-bytes-ok:int" },
    { "BlockStatsSpecific", false, "driver:BlockdevDriver", "driver",
      "file:BlockStatsSpecificFile,host_device:BlockStatsSpecificFile" },
    { "BlockStats", false,
      "device?:str,qdev?:str,node-name?:str,stats:BlockDeviceStats,"
      "driver-specific?:BlockStatsSpecific,parent?:BlockStats,"
      "backing?:BlockStats" },
    /* blockdev-add: what kemu's -blockdev takes */
    { "BlockdevDiscardOptions", true, "ignore,unmap" },
    { "BlockdevCacheOptions", false, "direct?:bool,no-flush?:bool" },
    { "OnOffAuto", true, "auto,on,off" },
    { "BlockdevAioOptions", true, "threads,native,io_uring" },
    { "BlockdevOptionsFile", false,
      "filename:str,locking?:OnOffAuto,aio?:BlockdevAioOptions" },
    { "BlockdevOptionsNull", false, "size?:int" },
    { "BlockdevOptionsGenericFormat", false, "file:BlockdevOptions" },
    { "BlockdevOptionsQcow2", false, "file:BlockdevOptions,backing?:null" },
    { "BlockdevOptions", false,
      "driver:BlockdevDriver,node-name?:str,discard?:BlockdevDiscardOptions,"
      "cache?:BlockdevCacheOptions,read-only?:bool", "driver",
      "file:BlockdevOptionsFile,host_device:BlockdevOptionsFile,"
      "null-co:BlockdevOptionsNull,raw:BlockdevOptionsGenericFormat,"
      "qcow2:BlockdevOptionsQcow2" },
    { "BlockdevChangeReadOnlyMode", true, "retain,read-only,read-write" },
    { "IoOperationType", true, "read,write" },
    { "BlockErrorAction", true, "ignore,report,stop" },
    /* query-qmp-schema describes itself, as QEMU's does */
    { "SchemaMetaType", true,
      "builtin,enum,array,object,alternate,command,event" },
    { "JSONType", true, "string,number,int,boolean,null,object,array,value" },
    { "SchemaInfo", false,
      "name:str,meta-type:SchemaMetaType,features?:[str]", "meta-type",
      "builtin:SchemaInfoBuiltin,enum:SchemaInfoEnum,"
      "array:SchemaInfoArray,object:SchemaInfoObject,"
      "alternate:SchemaInfoAlternate,command:SchemaInfoCommand,"
      "event:SchemaInfoEvent" },
    { "SchemaInfoBuiltin", false, "json-type:JSONType" },
    { "SchemaInfoEnumMember", false, "name:str,features?:[str]" },
    { "SchemaInfoEnum", false, "members:[SchemaInfoEnumMember],values:[str]" },
    { "SchemaInfoArray", false, "element-type:str" },
    { "SchemaInfoObjectMember", false,
      "name:str,type:str,default?:any,features?:[str]" },
    { "SchemaInfoObjectVariant", false, "case:str,type:str" },
    { "SchemaInfoObject", false,
      "members:[SchemaInfoObjectMember],tag?:str,"
      "variants?:[SchemaInfoObjectVariant]" },
    { "SchemaInfoAlternateMember", false, "type:str" },
    { "SchemaInfoAlternate", false, "members:[SchemaInfoAlternateMember]" },
    { "SchemaInfoCommand", false,
      "arg-type:str,ret-type:str,allow-oob?:bool" },
    { "SchemaInfoEvent", false, "arg-type:str" },
};

static const SchemaCommand schema_commands[] = {
    { "qmp_capabilities", "enable?:[QMPCapability]" },
    { "query-version", NULL, "VersionInfo" },
    { "query-status", NULL, "StatusInfo" },
    { "query-name", NULL, "NameInfo" },
    { "query-uuid", NULL, "UuidInfo" },
    { "query-kvm", NULL, "KvmInfo" },
    { "rtc-reset-reinjection" },
    { "query-target", NULL, "TargetInfo" },
    { "query-commands", NULL, "[CommandInfo]" },
    { "query-cpus-fast", NULL, "[CpuInfoFast]" },
    { "query-hotpluggable-cpus", NULL, "[HotpluggableCPU]" },
    { "query-machines", NULL, "[MachineInfo]" },
    { "query-qmp-schema", NULL, "[SchemaInfo]" },
    { "stop" },
    { "cont" },
    { "system_reset" },
    { "system_powerdown" },
    { "quit" },
    { "human-monitor-command", "command-line:str,cpu-index?:int", "str" },
    { "qom-list", "path:str", "[ObjectPropertyInfo]" },
    { "qom-get", "path:str,property:str", "any" },
    { "qom-set", "path:str,property:str,value:any" },
    { "qom-list-types", "implements?:str,abstract?:bool",
      "[ObjectTypeInfo]" },
    { "device-list-properties", "typename:str", "[ObjectPropertyInfo]" },
    { "query-chardev", NULL, "[ChardevInfo]" },
    { "chardev-add", "id:str,backend:ChardevBackend", "ChardevReturn" },
    { "chardev-remove", "id:str" },
    { "ringbuf-read", "device:str,size:int,format?:DataFormat", "str" },
    { "ringbuf-write", "device:str,data:str,format?:DataFormat" },
    { "memsave", "val:int,size:int,filename:str,cpu-index?:int" },
    { "pmemsave", "val:int,size:int,filename:str" },
    { "screendump",
      "filename:str,device?:str,head?:int,format?:ImageFormat" },
    { "send-key", "keys:[KeyValue],hold-time?:int" },
    { "input-send-event", "device?:str,head?:int,events:[InputEvent]" },
    { "change-vnc-password", "password:str" },
    { "query-block", NULL, "[BlockInfo]" },
    { "query-blockstats", "query-nodes?:bool", "[BlockStats]" },
    { "query-named-block-nodes", "flat?:bool", "[BlockDeviceInfo]" },
    { "blockdev-add", "@BlockdevOptions" },
    { "blockdev-del", "node-name:str" },
    { "block_resize", "device?:str,node-name?:str,size:int" },
    { "eject", "device?:str,id?:str,force?:bool" },
    { "blockdev-change-medium",
      "device?:str,id?:str,filename:str,format?:str,force?:bool,"
      "read-only-mode?:BlockdevChangeReadOnlyMode" },
    { "dump-guest-memory",
      "paging:bool,protocol:str,detach?:bool,begin?:int,length?:int,"
      "format?:DumpGuestMemoryFormat" },
};

static const SchemaEvent schema_events[] = {
    { "SHUTDOWN", "guest:bool,reason:ShutdownCause" },
    { "POWERDOWN" },
    { "RESET", "guest:bool,reason:ShutdownCause" },
    { "STOP" },
    { "RESUME" },
    { "BLOCK_IO_ERROR",
      "device:str,node-name?:str,operation:IoOperationType,"
      "action:BlockErrorAction,nospace?:bool,reason:str" },
};

static const char *const builtins[][2] = {
    { "str", "string" }, { "any", "value" }, { "bool", "boolean" },
    { "int", "int" }, { "null", "null" }, { "number", "number" },
};

/* ---- generation ---- */

typedef struct Gen {
    GHashTable *names;      /* type key -> schema name (both owned) */
    JsonArray *out;
    unsigned next;
} Gen;

static const char *gen_type(Gen *g, const char *expr);

static bool is_builtin(const char *t)
{
    for (size_t i = 0; i < ARRAY_SIZE(builtins); i++) {
        if (!strcmp(builtins[i][0], t)) {
            return true;
        }
    }
    return false;
}

static const SchemaType *find_type(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(schema_types); i++) {
        if (!strcmp(schema_types[i].name, name)) {
            return &schema_types[i];
        }
    }
    return NULL;
}

/* A fresh opaque name for key; NULL if key already has one. */
static const char *gen_claim(Gen *g, const char *key, const char **old)
{
    char *name;

    *old = g_hash_table_lookup(g->names, key);
    if (*old) {
        return NULL;
    }
    name = g_strdup_printf("%u", g->next++);
    g_hash_table_insert(g->names, g_strdup(key), name);
    return name;
}

static JsonArray *gen_members(Gen *g, const char *list)
{
    g_auto(GStrv) items = g_strsplit(list ? list : "", ",", -1);
    JsonArray *a = json_array_new();

    for (int i = 0; items[i]; i++) {
        char *colon = strchr(items[i], ':');
        JsonObject *m;
        bool opt;

        if (!colon) {
            continue;
        }
        *colon = '\0';
        opt = colon > items[i] && colon[-1] == '?';
        if (opt) {
            colon[-1] = '\0';
        }
        m = json_object_new();
        json_object_set_string_member(m, "name", items[i]);
        if (opt) {
            json_object_set_null_member(m, "default");
        }
        json_object_set_string_member(m, "type", gen_type(g, colon + 1));
        json_array_add_object_element(a, m);
    }
    return a;
}

/* An object type from a member list; key names it for reuse. */
static const char *gen_object(Gen *g, const char *key, const char *list,
                              const char *tag, const char *variants)
{
    const char *old, *name;
    JsonObject *o;

    if (!list || !*list) {
        key = "{}";     /* every empty object is QEMU's "0" */
    }
    name = gen_claim(g, key, &old);
    if (!name) {
        return old;
    }
    o = json_object_new();
    json_object_set_string_member(o, "name", name);
    json_object_set_array_member(o, "members", gen_members(g, list));
    if (tag) {
        g_auto(GStrv) items = g_strsplit(variants, ",", -1);
        JsonArray *va = json_array_new();

        json_object_set_string_member(o, "tag", tag);
        for (int i = 0; items[i]; i++) {
            char *colon = strchr(items[i], ':');
            JsonObject *v = json_object_new();

            *colon = '\0';
            json_object_set_string_member(v, "case", items[i]);
            json_object_set_string_member(v, "type", gen_type(g, colon + 1));
            json_array_add_object_element(va, v);
        }
        json_object_set_array_member(o, "variants", va);
    }
    json_object_set_string_member(o, "meta-type", "object");
    json_array_add_object_element(g->out, o);
    return name;
}

static const char *gen_enum(Gen *g, const SchemaType *t)
{
    const char *old, *name = gen_claim(g, t->name, &old);
    JsonArray *members, *values;
    g_auto(GStrv) items = NULL;
    JsonObject *o;

    if (!name) {
        return old;
    }
    if (!strcmp(t->body, "@runstate")) {
        items = g_new0(char *, RUN_STATE__MAX + 1);
        for (int i = 0; i < RUN_STATE__MAX; i++) {
            items[i] = g_strdup(runstate_name(i));
        }
    } else if (!strcmp(t->body, "@shutdown-cause")) {
        items = g_new0(char *, SHUTDOWN_CAUSE__MAX + 1);
        for (int i = 0; i < SHUTDOWN_CAUSE__MAX; i++) {
            items[i] = g_strdup(shutdown_cause_name(i));
        }
    } else if (!strcmp(t->body, "@qkeycode")) {
        int n = qemu_input_qcode_count();
        items = g_new0(char *, n + 1);
        for (int i = 0; i < n; i++) {
            items[i] = g_strdup(qemu_input_qcode_name(i));
        }
    } else {
        items = g_strsplit(t->body, ",", -1);
    }
    members = json_array_new();
    values = json_array_new();
    for (int i = 0; items[i]; i++) {
        JsonObject *m = json_object_new();

        json_object_set_string_member(m, "name", items[i]);
        json_array_add_object_element(members, m);
        json_array_add_string_element(values, items[i]);
    }
    o = json_object_new();
    json_object_set_string_member(o, "name", name);
    json_object_set_array_member(o, "members", members);
    json_object_set_string_member(o, "meta-type", "enum");
    json_object_set_array_member(o, "values", values);
    json_array_add_object_element(g->out, o);
    return name;
}

static const char *gen_type(Gen *g, const char *expr)
{
    size_t len = strlen(expr);
    const SchemaType *t;

    if (is_builtin(expr)) {
        return expr;
    }
    if (expr[0] == '[' && expr[len - 1] == ']') {
        g_autofree char *inner = g_strndup(expr + 1, len - 2);
        const char *elem = gen_type(g, inner);
        g_autofree char *key = g_strdup_printf("[%s]", elem);
        const char *name = g_hash_table_lookup(g->names, key);
        JsonObject *o;

        if (name) {
            return name;
        }
        g_hash_table_insert(g->names, g_strdup(key), g_strdup(key));
        o = json_object_new();
        json_object_set_string_member(o, "name", key);
        json_object_set_string_member(o, "element-type", elem);
        json_object_set_string_member(o, "meta-type", "array");
        json_array_add_object_element(g->out, o);
        return g_hash_table_lookup(g->names, key);
    }
    t = find_type(expr);
    /* A typo in the tables is a bug caught by the schema test. */
    g_assert(t);
    return t->is_enum ? gen_enum(g, t)
                      : gen_object(g, t->name, t->body, t->tag, t->variants);
}

static const SchemaCommand *find_schema_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(schema_commands); i++) {
        if (!strcmp(schema_commands[i].name, name)) {
            return &schema_commands[i];
        }
    }
    return NULL;
}

static JsonObject *entity(const char *name, const char *meta,
                          const char *arg_type)
{
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, "name", name);
    json_object_set_string_member(o, "meta-type", meta);
    json_object_set_string_member(o, "arg-type", arg_type);
    return o;
}

static JsonNode *qmp_query_qmp_schema(JsonObject *args, Error **errp)
{
    GPtrArray *all = monitor_commands();
    Gen g = { 0 };

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    g.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g.out = json_array_new();
    gen_object(&g, "{}", NULL, NULL, NULL);

    /* Only what is registered: a table entry alone adds nothing. */
    for (guint i = 0; i < all->len; i++) {
        const MonitorCommand *c = all->pdata[i];
        const SchemaCommand *sc;
        g_autofree char *key = NULL;
        JsonObject *o;

        if (!c->qmp || !c->qmp_name ||
            !(sc = find_schema_command(c->qmp_name))) {
            continue;
        }
        key = g_strdup_printf("args of %s", sc->name);
        /* "@Type": the arguments are that type as a whole (a union). */
        o = entity(sc->name, "command",
                   sc->args && sc->args[0] == '@'
                   ? gen_type(&g, sc->args + 1)
                   : gen_object(&g, key, sc->args, NULL, NULL));
        json_object_set_string_member(o, "ret-type",
                                      sc->ret ? gen_type(&g, sc->ret)
                                              : gen_object(&g, "{}", NULL,
                                                           NULL, NULL));
        json_array_add_object_element(g.out, o);
    }
    for (size_t i = 0; i < ARRAY_SIZE(schema_events); i++) {
        g_autofree char *key = g_strdup_printf("data of %s",
                                               schema_events[i].name);
        json_array_add_object_element(g.out, entity(schema_events[i].name,
            "event", gen_object(&g, key, schema_events[i].data, NULL, NULL)));
    }
    for (size_t i = 0; i < ARRAY_SIZE(builtins); i++) {
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "name", builtins[i][0]);
        json_object_set_string_member(o, "json-type", builtins[i][1]);
        json_object_set_string_member(o, "meta-type", "builtin");
        json_array_add_object_element(g.out, o);
    }
    g_hash_table_destroy(g.names);
    return qmp_node_array(g.out);
}

static const MonitorCommand qmp_schema_commands[] = {
    { .qmp_name = "query-qmp-schema", .qmp = qmp_query_qmp_schema },
};

static void __attribute__((constructor)) qmp_schema_register(void)
{
    monitor_register_commands(qmp_schema_commands,
                              ARRAY_SIZE(qmp_schema_commands));
}
