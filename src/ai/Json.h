#pragma once
// A small JSON value with a parser and a writer (internal to ai). The ai library
// links only core and LibTorch, so it carries its own JSON for the model manifest.
// Objects keep their members in insertion order, so written manifests read in the
// order they were built.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stratum::ai::detail {

// Malformed JSON text: the message says where ("line 3, column 7: ...").
class JsonParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : type_(Type::Bool), bool_(b) {}
    Json(double d) : type_(Type::Number), number_(d) {}
    Json(int i) : type_(Type::Number), number_(static_cast<double>(i)) {}
    Json(std::int64_t i) : type_(Type::Number), number_(static_cast<double>(i)) {}
    Json(const char* s) : type_(Type::String), string_(s) {}
    Json(std::string s) : type_(Type::String), string_(std::move(s)) {}
    Json(Array a) : type_(Type::Array), array_(std::move(a)) {}
    Json(Object o) : type_(Type::Object), object_(std::move(o)) {}

    static Json array() { return Json(Array{}); }
    static Json object() { return Json(Object{}); }

    Type type() const noexcept { return type_; }
    bool isNull() const noexcept { return type() == Type::Null; }
    bool isBool() const noexcept { return type() == Type::Bool; }
    bool isNumber() const noexcept { return type() == Type::Number; }
    bool isString() const noexcept { return type() == Type::String; }
    bool isArray() const noexcept { return type() == Type::Array; }
    bool isObject() const noexcept { return type() == Type::Object; }

    // Typed access; std::logic_error when the type differs (callers check first).
    bool boolean() const { return check(Type::Bool), bool_; }
    double number() const { return check(Type::Number), number_; }
    const std::string& string() const { return check(Type::String), string_; }
    const Array& items() const { return check(Type::Array), array_; }
    Array& items() { return check(Type::Array), array_; }
    const Object& members() const { return check(Type::Object), object_; }

    // Object member or nullptr (also nullptr when this is not an object).
    const Json* find(std::string_view key) const;
    // Object member, inserted as null when absent (this must be an object).
    Json& operator[](std::string_view key);
    // Appends to an array.
    void push(Json value) { items().push_back(std::move(value)); }

    // Text with `indent` spaces per level (0: one line). Numbers round-trip exactly.
    std::string dump(int indent = 2) const;
    // Throws JsonParseError naming line and column.
    static Json parse(std::string_view text);

    bool operator==(const Json&) const = default;

private:
    void check(Type t) const {
        if (type_ != t) throw std::logic_error("JSON value has another type");
    }
    void dumpTo(std::string& out, int indent, int level) const;

    // Plain members rather than std::variant: GCC 12 warns falsely about a recursive
    // variant of vectors (-Wmaybe-uninitialized).
    Type type_ = Type::Null;
    bool bool_ = false;
    double number_ = 0.0;
    std::string string_;
    Array array_;
    Object object_;
};

// "object", "array", ...: for error messages.
const char* jsonTypeName(Json::Type type);

}  // namespace stratum::ai::detail
