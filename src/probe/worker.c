/*
 * The probe worker: one long-lived process answering what `ffprobe -v error -show_format
 * -show_streams -of json` would print, for one file after another, so that a scan pays one
 * process start-up instead of one per file (~80 ms each). It opens each file as ffprobe's
 * open_input_file does (scan_all_pmts, find_stream_info, a decoder bound to each stream) and
 * prints the fields src/probe/raw.rs reads, formatted as ffprobe formats them.
 *
 * Protocol: stdin carries one request per line, the file's URL as hex (any bytes, newlines
 * included, survive); stdout carries one JSON object per line: ffprobe's shape, or
 * {"error": "..."} when the file cannot be opened. The first line out is a greeting.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>

#define GREETING "dailies-qc-probe-worker 1"

/*
 * FFmpeg 4.4 (libavcodec 58.134, libavformat 58.76, libavutil 56.70) through 8: the APIs this
 * file uses that changed in between. build.rs refuses anything older.
 */
/* The AVChannelLayout API (FFmpeg 5.1) replaced channels + channel_layout (gone in 7). */
#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 24, 100)
#define HAVE_CH_LAYOUT 1
#else
#define HAVE_CH_LAYOUT 0
#endif
/* av_disposition_to_string() came with FFmpeg 5.0; before it, ffprobe's own list. */
#if LIBAVFORMAT_VERSION_MAJOR >= 59
#define HAVE_DISPOSITION_TO_STRING 1
#else
#define HAVE_DISPOSITION_TO_STRING 0
#endif
/* AV_PROFILE_* (FFmpeg 6.1) replaced FF_PROFILE_*, which FFmpeg 8 removed. */
#ifndef AV_PROFILE_UNKNOWN
#define AV_PROFILE_UNKNOWN FF_PROFILE_UNKNOWN
#endif

static void put_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        default:
            if (*p < 0x20)
                printf("\\u%04x", *p);
            else
                putchar(*p);
        }
    }
    putchar('"');
}

/* Fields are written `,"key":value`; each object's first field is written by hand. */
static void field_str(const char *key, const char *value)
{
    printf(",\"%s\":", key);
    put_json_string(value);
}

static void field_int(const char *key, int64_t value)
{
    printf(",\"%s\":%" PRId64, key, value);
}

static void field_fmt_i64(const char *key, int64_t value)
{
    printf(",\"%s\":\"%" PRId64 "\"", key, value);
}

static void field_ratio(const char *key, AVRational q, char sep)
{
    printf(",\"%s\":\"%d%c%d\"", key, q.num, sep, q.den);
}

/* ffprobe's print_time: seconds as "%f". Like every optional field ffprobe's JSON leaves out
 * ("N/A", "unknown"), an unset one is not written. */
static void field_time(const char *key, int64_t ts, const AVRational *time_base)
{
    if (ts != AV_NOPTS_VALUE)
        printf(",\"%s\":\"%f\"", key, ts * av_q2d(*time_base));
}

static void field_name(const char *key, const char *name)
{
    if (name)
        field_str(key, name);
}

static void tags(const AVDictionary *metadata)
{
    const AVDictionaryEntry *t = NULL;
    int first = 1;
    fputs(",\"tags\":{", stdout);
    while ((t = av_dict_get(metadata, "", t, AV_DICT_IGNORE_SUFFIX))) {
        if (!first)
            putchar(',');
        first = 0;
        put_json_string(t->key);
        putchar(':');
        put_json_string(t->value);
    }
    putchar('}');
}

/* A disposition flag's name, as ffprobe prints it. */
static const char *disposition_name(int flag)
{
#if HAVE_DISPOSITION_TO_STRING
    return av_disposition_to_string(flag);
#else
    switch (flag) {
    case AV_DISPOSITION_DEFAULT: return "default";
    case AV_DISPOSITION_DUB: return "dub";
    case AV_DISPOSITION_ORIGINAL: return "original";
    case AV_DISPOSITION_COMMENT: return "comment";
    case AV_DISPOSITION_LYRICS: return "lyrics";
    case AV_DISPOSITION_KARAOKE: return "karaoke";
    case AV_DISPOSITION_FORCED: return "forced";
    case AV_DISPOSITION_HEARING_IMPAIRED: return "hearing_impaired";
    case AV_DISPOSITION_VISUAL_IMPAIRED: return "visual_impaired";
    case AV_DISPOSITION_CLEAN_EFFECTS: return "clean_effects";
    case AV_DISPOSITION_ATTACHED_PIC: return "attached_pic";
    case AV_DISPOSITION_TIMED_THUMBNAILS: return "timed_thumbnails";
    default: return NULL;
    }
#endif
}

static void disposition(int flags)
{
    int first = 1;
    fputs(",\"disposition\":{", stdout);
    for (unsigned i = 0; i < sizeof(flags) * 8; i++) {
        const char *name = disposition_name(1 << i);
        if (!name)
            continue;
        printf("%s\"%s\":%d", first ? "" : ",", name, !!(flags & (1 << i)));
        first = 0;
    }
    putchar('}');
}

static const char *field_order_name(enum AVFieldOrder order)
{
    switch (order) {
    case AV_FIELD_PROGRESSIVE: return "progressive";
    case AV_FIELD_TT: return "tt";
    case AV_FIELD_BB: return "bb";
    case AV_FIELD_TB: return "tb";
    case AV_FIELD_BT: return "bt";
    default: return NULL;
    }
}

static void video_fields(AVFormatContext *fmt, AVStream *st)
{
    const AVCodecParameters *par = st->codecpar;
    AVRational sar = av_guess_sample_aspect_ratio(fmt, st, NULL);
    field_int("width", par->width);
    field_int("height", par->height);
    if (sar.num) {
        AVRational dar;
        av_reduce(&dar.num, &dar.den, (int64_t)par->width * sar.num,
                  (int64_t)par->height * sar.den, 1024 * 1024);
        field_ratio("sample_aspect_ratio", sar, ':');
        field_ratio("display_aspect_ratio", dar, ':');
    }
    field_name("pix_fmt", av_get_pix_fmt_name(par->format));
    if (par->color_range != AVCOL_RANGE_UNSPECIFIED)
        field_name("color_range", av_color_range_name(par->color_range));
    if (par->color_space != AVCOL_SPC_UNSPECIFIED)
        field_name("color_space", av_color_space_name(par->color_space));
    if (par->color_trc != AVCOL_TRC_UNSPECIFIED)
        field_name("color_transfer", av_color_transfer_name(par->color_trc));
    if (par->color_primaries != AVCOL_PRI_UNSPECIFIED)
        field_name("color_primaries", av_color_primaries_name(par->color_primaries));
    field_name("field_order", field_order_name(par->field_order));
}

static void audio_fields(const AVCodecParameters *par)
{
    char layout[128];
    field_name("sample_fmt", av_get_sample_fmt_name(par->format));
    field_fmt_i64("sample_rate", par->sample_rate);
#if HAVE_CH_LAYOUT
    field_int("channels", par->ch_layout.nb_channels);
    if (par->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC) {
        av_channel_layout_describe(&par->ch_layout, layout, sizeof(layout));
        field_str("channel_layout", layout);
    }
#else
    field_int("channels", par->channels);
    if (par->channel_layout) {
        av_get_channel_layout_string(layout, sizeof(layout), par->channels, par->channel_layout);
        field_str("channel_layout", layout);
    }
#endif
    field_int("bits_per_sample", av_get_bits_per_sample(par->codec_id));
}

static void stream(AVFormatContext *fmt, AVStream *st, const AVCodecContext *dec)
{
    const AVCodecParameters *par = st->codecpar;
    const AVCodecDescriptor *cd = avcodec_descriptor_get(par->codec_id);
    const char *profile = avcodec_profile_name(par->codec_id, par->profile);
    char fourcc[AV_FOURCC_MAX_STRING_SIZE];

    printf("{\"index\":%d", st->index);
    field_name("codec_name", cd ? cd->name : NULL);
    if (profile)
        field_str("profile", profile);
    else if (par->profile != AV_PROFILE_UNKNOWN)
        field_fmt_i64("profile", par->profile);
    field_name("codec_type", av_get_media_type_string(par->codec_type));
    field_str("codec_tag_string", av_fourcc_make_string(fourcc, par->codec_tag));
    if (par->codec_type == AVMEDIA_TYPE_VIDEO)
        video_fields(fmt, st);
    else if (par->codec_type == AVMEDIA_TYPE_AUDIO)
        audio_fields(par);
    field_ratio("r_frame_rate", st->r_frame_rate, '/');
    field_ratio("avg_frame_rate", st->avg_frame_rate, '/');
    field_ratio("time_base", st->time_base, '/');
    field_time("start_time", st->start_time, &st->time_base);
    field_time("duration", st->duration, &st->time_base);
    if (par->bit_rate > 0)
        field_fmt_i64("bit_rate", par->bit_rate);
    if (dec && dec->bits_per_raw_sample > 0)
        field_fmt_i64("bits_per_raw_sample", dec->bits_per_raw_sample);
    if (st->nb_frames)
        field_fmt_i64("nb_frames", st->nb_frames);
    disposition(st->disposition);
    tags(st->metadata);
    putchar('}');
}

static void format(AVFormatContext *fmt)
{
    int64_t size = fmt->pb ? avio_size(fmt->pb) : -1;
    fputs("\"format\":{", stdout);
    printf("\"nb_streams\":%u", fmt->nb_streams);
    field_str("format_name", fmt->iformat->name);
    field_time("start_time", fmt->start_time, &AV_TIME_BASE_Q);
    field_time("duration", fmt->duration, &AV_TIME_BASE_Q);
    if (size >= 0)
        field_fmt_i64("size", size);
    if (fmt->bit_rate > 0)
        field_fmt_i64("bit_rate", fmt->bit_rate);
    tags(fmt->metadata);
    putchar('}');
}

static void error_line(const char *what, int err)
{
    char text[AV_ERROR_MAX_STRING_SIZE];
    char message[256];
    av_strerror(err, text, sizeof(text));
    snprintf(message, sizeof(message), "%s: %s", what, text);
    fputs("{\"error\":", stdout);
    put_json_string(message);
    fputs("}\n", stdout);
}

/* A decoder bound to each stream, as ffprobe binds one: bits_per_raw_sample comes from it. */
static int open_decoders(AVFormatContext *fmt, AVCodecContext **decoders)
{
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        AVStream *st = fmt->streams[i];
        const AVCodec *codec;
        if (st->codecpar->codec_id == AV_CODEC_ID_PROBE)
            continue;
        codec = avcodec_find_decoder(st->codecpar->codec_id);
        if (!codec)
            continue;
        decoders[i] = avcodec_alloc_context3(codec);
        if (!decoders[i])
            return AVERROR(ENOMEM);
        if (avcodec_parameters_to_context(decoders[i], st->codecpar) < 0)
            return AVERROR(EINVAL);
        decoders[i]->pkt_timebase = st->time_base;
        if (avcodec_open2(decoders[i], codec, NULL) < 0)
            return AVERROR_DECODER_NOT_FOUND;
    }
    return 0;
}

static void probe(const char *url)
{
    AVFormatContext *fmt = NULL;
    AVDictionary *options = NULL;
    AVCodecContext **decoders = NULL;
    int err;

    av_dict_set(&options, "scan_all_pmts", "1", 0);
    err = avformat_open_input(&fmt, url, NULL, &options);
    av_dict_free(&options);
    if (err < 0) {
        error_line("open", err);
        return;
    }
    err = avformat_find_stream_info(fmt, NULL);
    if (err < 0) {
        error_line("find_stream_info", err);
        avformat_close_input(&fmt);
        return;
    }
    decoders = av_calloc(fmt->nb_streams ? fmt->nb_streams : 1, sizeof(*decoders));
    err = decoders ? open_decoders(fmt, decoders) : AVERROR(ENOMEM);
    if (err < 0) {
        error_line("open decoder", err);
    } else {
        fputs("{\"streams\":[", stdout);
        for (unsigned i = 0; i < fmt->nb_streams; i++) {
            if (i)
                putchar(',');
            stream(fmt, fmt->streams[i], decoders[i]);
        }
        fputs("],", stdout);
        format(fmt);
        fputs("}\n", stdout);
    }
    for (unsigned i = 0; decoders && i < fmt->nb_streams; i++)
        avcodec_free_context(&decoders[i]);
    av_free(decoders);
    avformat_close_input(&fmt);
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes a hex line in place; returns 0 when it is not hex. */
static int decode_hex(char *line)
{
    size_t len = strcspn(line, "\r\n");
    if (len % 2)
        return 0;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_value((unsigned char)line[i]);
        int lo = hex_value((unsigned char)line[i + 1]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return 0;
        line[i / 2] = (char)(hi * 16 + lo);
    }
    line[len / 2] = '\0';
    return 1;
}

int dailies_qc_probe_worker_serve(void)
{
    char *line = NULL;
    size_t capacity = 0;

    av_log_set_level(AV_LOG_QUIET);
    puts(GREETING);
    fflush(stdout);
    while (getline(&line, &capacity, stdin) > 0) {
        if (decode_hex(line))
            probe(line);
        else
            error_line("request", AVERROR(EINVAL));
        fflush(stdout);
    }
    free(line);
    return 0;
}
