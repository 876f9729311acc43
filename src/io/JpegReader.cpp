// JPEG reading with libjpeg directly. ITK 5.2's JPEGImageIO crashes or returns a
// partial image on truncated/corrupt files; here any libjpeg error, and any
// corrupt-data warning (premature end of file, bad Huffman code), is a FormatError.
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

#include <jpeglib.h>

#include "ItkImageIO.h"
#include "stratum/core/Error.h"

namespace fs = std::filesystem;

namespace stratum::io::detail {
namespace {

// Plain data only: libjpeg reports errors by longjmp, which must not cross any
// C++ object with a destructor. The functions using setjmp below hold none.
struct JpegErrors {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

struct JpegDecoder {
    jpeg_decompress_struct info;
    JpegErrors errors;
    std::FILE* file;
};

extern "C" void onJpegError(j_common_ptr info) {
    auto* errors = reinterpret_cast<JpegErrors*>(info->err);
    (*info->err->format_message)(info, errors->message);
    std::longjmp(errors->jump, 1);
}

// Level -1 is a warning about corrupt data (e.g. premature end of file): fatal for us.
extern "C" void onJpegMessage(j_common_ptr info, int level) {
    if (level < 0) onJpegError(info);
}

// Opens the decoder and reads the header; false (message in errors) on failure.
bool readHeader(JpegDecoder& d) {
    d.info.err = jpeg_std_error(&d.errors.pub);
    d.errors.pub.error_exit = onJpegError;
    d.errors.pub.emit_message = onJpegMessage;
    d.errors.message[0] = '\0';
    if (setjmp(d.errors.jump)) return false;
    jpeg_create_decompress(&d.info);
    jpeg_stdio_src(&d.info, d.file);
    jpeg_read_header(&d.info, TRUE);
    if (d.info.num_components == 1) d.info.out_color_space = JCS_GRAYSCALE;
    else if (d.info.jpeg_color_space == JCS_YCbCr || d.info.jpeg_color_space == JCS_RGB) d.info.out_color_space = JCS_RGB;
    jpeg_calc_output_dimensions(&d.info);
    return true;
}

// Decodes all rows into `buffer` (rows of `stride` bytes, top row first).
bool decode(JpegDecoder& d, unsigned char* buffer, std::size_t stride) {
    if (setjmp(d.errors.jump)) return false;
    jpeg_start_decompress(&d.info);
    while (d.info.output_scanline < d.info.output_height) {
        JSAMPROW row = buffer + stride * d.info.output_scanline;
        jpeg_read_scanlines(&d.info, &row, 1);
    }
    jpeg_finish_decompress(&d.info);
    return true;
}

double spacingFromDensity(int unit, unsigned density) {
    if (density == 0) return 1.0;
    if (unit == 1) return 25.4 / density;  // dots per inch
    if (unit == 2) return 10.0 / density;  // dots per cm
    return 1.0;                            // aspect ratio only
}

}  // namespace

core::Image readJpeg(const fs::path& path) {
    const std::string name = path.string();
    JpegDecoder d;
    std::memset(&d, 0, sizeof d);
    d.file = std::fopen(name.c_str(), "rb");
    if (!d.file) throw core::IoError(name, "cannot be opened");
    struct Cleanup {
        JpegDecoder& d;
        ~Cleanup() {
            jpeg_destroy_decompress(&d.info);
            std::fclose(d.file);
        }
    } cleanup{d};
    if (!readHeader(d)) throw core::FormatError(name, std::string("not a readable JPEG file: ") + d.errors.message);
    const int components = d.info.out_color_components;
    if (components != 1 && components != 3)
        throw core::UnsupportedError(name, "JPEG images with " + std::to_string(components) +
                                               " colour components (e.g. CMYK) are not supported");
    core::Geometry g;
    g.size = {d.info.output_width, d.info.output_height, 1};
    const int unit = d.info.density_unit;
    g.spacing = {spacingFromDensity(unit, d.info.X_density), spacingFromDensity(unit, d.info.Y_density), 1.0};
    core::Image image(core::PixelType::UInt8, components, g, core::Image::Init::Uninitialized);
    const std::size_t stride = static_cast<std::size_t>(d.info.output_width) * static_cast<std::size_t>(components);
    if (!decode(d, static_cast<unsigned char*>(image.data()), stride))
        throw core::FormatError(name, std::string("truncated or corrupt JPEG data: ") + d.errors.message);
    return image;
}

}  // namespace stratum::io::detail
