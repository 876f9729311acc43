#pragma once
// Typed errors for every Stratum library. Messages name the file (when there is
// one) and the problem, so the edges (CLI, GUI) can show them as they are.
#include <stdexcept>
#include <string>

namespace stratum::core {

// Base of all Stratum errors.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A parameter or argument is out of range or inconsistent (programmer or user input).
class InvalidArgument : public Error {
public:
    explicit InvalidArgument(const std::string& message) : Error(message) {}
};

// The user (or a caller) cancelled a long operation through its CancelToken.
class Cancelled : public Error {
public:
    Cancelled() : Error("operation cancelled") {}
};

// A problem with a file: what() reads "<path>: <problem>"; path() and problem()
// give the parts.
class FileError : public Error {
public:
    FileError(std::string path, std::string problem)
        : Error(path.empty() ? problem : path + ": " + problem),
          path_(std::move(path)),
          problem_(std::move(problem)) {}
    const std::string& path() const noexcept { return path_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string path_;
    std::string problem_;
};

// The file cannot be opened, read or written (missing, permissions, disk full).
class IoError : public FileError {
public:
    using FileError::FileError;
};

// The file is readable but its content is corrupt, truncated or not of the expected format.
class FormatError : public FileError {
public:
    using FileError::FileError;
};

// The file is valid but uses something Stratum cannot handle (e.g. a codec).
class UnsupportedError : public FileError {
public:
    using FileError::FileError;
};

}  // namespace stratum::core
