#include "stratum/jobs/Convert.h"

#include <algorithm>
#include <system_error>

#include "Paths.h"
#include "stratum/core/Error.h"
#include "stratum/io/Dicom.h"
#include "stratum/io/ImageIO.h"
#include "stratum/jobs/TransferSyntaxes.h"

namespace stratum::jobs {
namespace {

namespace fs = std::filesystem;

std::string knownTransferSyntaxes() {
    std::string list;
    for (const std::string& name : writableTransferSyntaxNames()) list += (list.empty() ? "" : ", ") + name;
    return list;
}

// Checks everything that can be checked before reading; returns the transfer syntax UID.
std::string validate(const fs::path& in, const fs::path& out, const ConvertOptions& options) {
    if (detail::samePath(in, out))
        throw core::InvalidArgument(out.string() + ": the output would overwrite the input");
    if (!options.empty() && !isDicomSeriesOutput(out))
        throw core::InvalidArgument(out.string() +
                                    ": modality, series description, patient and transfer syntax "
                                    "apply to DICOM output (a folder) only");
    if (!options.modality.empty() && !isValidModalityCode(options.modality))
        throw core::InvalidArgument("'" + options.modality +
                                    "' is not a DICOM modality code (e.g. CT, MR, DX, OT)");
    if (options.transferSyntax.empty()) return {};
    const auto uid = writableTransferSyntaxUid(options.transferSyntax);
    if (!uid)
        throw core::InvalidArgument("unknown transfer syntax '" + options.transferSyntax +
                                    "' (known: " + knownTransferSyntaxes() + ")");
    return *uid;
}

io::DicomWriteOptions dicomOptions(const ConvertOptions& options, const std::string& transferSyntaxUid) {
    io::DicomWriteOptions w;
    w.modality = options.modality;
    w.series.description = options.seriesDescription;
    w.patient.name = options.patientName;
    w.patient.id = options.patientId;
    w.transferSyntaxUid = transferSyntaxUid;
    return w;
}

}  // namespace

bool isValidModalityCode(std::string_view code) {
    return !code.empty() && code.size() <= 16 && std::all_of(code.begin(), code.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

bool isDicomSeriesOutput(const fs::path& out) {
    const std::string text = out.string();
    if (!text.empty() && text.back() == fs::path::preferred_separator) return true;
    std::error_code ec;
    if (fs::is_directory(out, ec)) return true;
    return !out.has_extension();
}

ConvertResult convertImage(const fs::path& in, const fs::path& out, const ConvertOptions& options,
                           const core::Task& task) {
    const std::string transferSyntaxUid = validate(in, out, options);
    detail::requireExists(in);

    ConvertResult result;
    result.input = in;
    result.output = out;
    io::ReadResult read;
    detail::namingPath(in, [&] {
        result.inputFormat = io::formatName(io::detectFormat(in));
        read = io::readImage(in, task.sub(0.0, 0.7));
    });
    const core::Image& image = read.image;
    result.size = image.size();
    result.pixelType = image.pixelType();
    result.components = image.components();
    result.warnings = std::move(read.warnings);

    const core::Task writeTask = task.sub(0.7, 1.0);
    writeTask.checkCancel();  // io reports its own "Writing ..." progress
    detail::namingPath(out, [&] {
        if (isDicomSeriesOutput(out)) {
            result.written = io::writeDicomSeries(image, out, dicomOptions(options, transferSyntaxUid), writeTask);
            result.outputFormat = io::formatName(io::FileFormat::DicomFolder);
        } else {
            io::writeImage(image, out, writeTask);
            result.written = {out};
            result.outputFormat = io::formatName(io::detectFormat(out));
        }
    });
    writeTask.progress(1.0);
    return result;
}

}  // namespace stratum::jobs
