#pragma once
// Preprocessing chains: a self-describing registry of the processing operations (name,
// description, typed parameters with defaults, ranges and help), a parser from
// command-line style arguments to a chain, and the chain's execution. The CLI
// (`stratum preprocess`) prints its help from the registry; a GUI builds its forms from
// the same descriptions. Qt-free.
//
// Command-line syntax of one step: `--NAME VALUE`, `--NAME=VALUE`, or `--NAME` alone
// when every parameter has a default. VALUE lists the parameters in their order,
// separated by ':'; a parameter of several numbers separates them with ',' (one number
// stands for all of them); any parameter may be given by name as `name=value`, and
// trailing ones may be left out:
//   --median 1            radius 1 on every axis (3x3x3; 3x3 on a 2D image)
//   --median 2,2,0        a 5x5 window in each slice
//   --close 2:box         closing with a 5x5x5 box
//   --binary-erode 1:cross:foreground=255
//   --clahe tiles=4,4:clip=0.02
// A separate VALUE is taken only when it looks like parameters (it starts with a
// digit, '-', '+' or '.', or holds ':' or '='): otherwise it is the next argument.
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::jobs {

enum class ParamKind {
    Integer,   // one whole number
    Number,    // one real number
    Numbers,   // `count` real numbers (one given = all equal)
    Integers,  // `count` whole numbers (one given = all equal)
    Choice,    // one of `choices`
    Path,      // a file path (may be empty when optional)
};

const char* paramKindName(ParamKind k);  // "integer", "number", ...

struct ParamSpec {
    std::string name;
    ParamKind kind = ParamKind::Number;
    std::string help;
    std::string defaultValue;  // as the user would type it; empty + required = must be given
    bool required = false;
    double min = -1e300;  // inclusive range of each number
    double max = 1e300;
    int count = 1;                     // values of Numbers / Integers
    std::vector<std::string> choices;  // Choice
};

// The parameters of one step, checked and parsed.
class StepArgs {
public:
    // Values as typed (after defaults), by parameter name.
    std::map<std::string, std::string> text;
    std::map<std::string, std::vector<double>> numbers;

    double number(const std::string& name) const;
    long integer(const std::string& name) const;
    const std::vector<double>& vector(const std::string& name) const;
    const std::string& choice(const std::string& name) const;
};

struct OperationSpec {
    std::string name;     // as on the command line, e.g. "median"
    std::string group;    // "Denoising", "Morphology", ... (for help and forms)
    std::string summary;  // one line
    std::vector<ParamSpec> params;
    std::string example;  // e.g. "--median 2,2,1"
    // Runs the step (core::InvalidArgument, core::Cancelled as the processing functions).
    std::function<core::Image(const core::Image&, const StepArgs&, const core::Task&)> run;
};

// Every operation, in help order.
const std::vector<OperationSpec>& preprocessOperations();
// nullptr when unknown.
const OperationSpec* findOperation(const std::string& name);

struct PreprocessStep {
    const OperationSpec* operation = nullptr;
    StepArgs args;
    std::string text() const;  // "median radius=1,1,1"
};
using PreprocessChain = std::vector<PreprocessStep>;

// One step from its name and VALUE (empty = all defaults). Throws core::InvalidArgument
// naming the operation and the parameter for an unknown operation, a missing required
// parameter, a bad number, a value out of range or an unknown choice.
PreprocessStep parseStep(const std::string& name, const std::string& value);

// The chain from arguments such as {"--median", "1", "--close=2:box"}; arguments that
// are not operations go to `rest` in order (positionals, other options), or, when
// `rest` is null, are an error.
PreprocessChain parseChain(std::span<const std::string> args,
                           std::vector<std::string>* rest = nullptr);

struct ChainResult {
    core::Image image;
    std::vector<std::string> log;  // one line per step: what it did and the result
};

// Runs the steps in order; progress is split evenly over the steps. Each log line
// names the step and the result's size, pixel type and value range.
ChainResult applyChain(const core::Image& image, const PreprocessChain& chain,
                       const core::Task& task = {});

struct PreprocessResult {
    std::filesystem::path input;
    std::filesystem::path output;
    std::vector<std::string> log;
    core::Image result;
};

// Reads `in`, applies the chain and writes `out` (atomically, io::writeImage by
// extension). Refuses an empty chain and `out` naming `in` before reading
// (core::InvalidArgument). Errors name the file concerned.
PreprocessResult preprocessFile(const std::filesystem::path& in, const std::filesystem::path& out,
                                const PreprocessChain& chain, const core::Task& task = {});

// The help text of every operation (for `stratum preprocess --help`).
std::string preprocessHelp();

}  // namespace stratum::jobs
