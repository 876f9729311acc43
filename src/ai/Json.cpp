#include "Json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace stratum::ai::detail {
namespace {

constexpr int kMaxDepth = 256;

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Json parseDocument() {
        skipSpace();
        Json value = parseValue(0);
        skipSpace();
        if (pos_ != text_.size()) fail("unexpected text after the JSON value");
        return value;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        throw JsonParseError("line " + std::to_string(line) + ", column " + std::to_string(column) +
                             ": " + what);
    }

    void skipSpace() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
            ++pos_;
    }

    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }

    bool consumeWord(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    Json parseValue(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply");
        const char c = peek();
        if (c == '{') return parseObject(depth);
        if (c == '[') return parseArray(depth);
        if (c == '"') return Json(parseString());
        if (c == '-' || (c >= '0' && c <= '9')) return Json(parseNumber());
        if (consumeWord("true")) return Json(true);
        if (consumeWord("false")) return Json(false);
        if (consumeWord("null")) return Json(nullptr);
        if (c == '\0') fail("unexpected end of text");
        fail(std::string("unexpected character '") + c + "'");
    }

    Json parseObject(int depth) {
        expect('{');
        Json::Object members;
        skipSpace();
        if (peek() == '}') {
            ++pos_;
            return Json(std::move(members));
        }
        for (;;) {
            skipSpace();
            if (peek() != '"') fail("expected a member name in quotes");
            std::string key = parseString();
            for (const auto& m : members)
                if (m.first == key) fail("duplicate member \"" + key + "\"");
            skipSpace();
            expect(':');
            skipSpace();
            Json value = parseValue(depth + 1);
            members.emplace_back(std::move(key), std::move(value));
            skipSpace();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect('}');
            return Json(std::move(members));
        }
    }

    Json parseArray(int depth) {
        expect('[');
        Json::Array items;
        skipSpace();
        if (peek() == ']') {
            ++pos_;
            return Json(std::move(items));
        }
        for (;;) {
            skipSpace();
            items.push_back(parseValue(depth + 1));
            skipSpace();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect(']');
            return Json(std::move(items));
        }
    }

    unsigned parseHex4() {
        if (pos_ + 4 > text_.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = text_[pos_++];
            v <<= 4;
            if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
            else fail("bad hex digit in \\u escape");
        }
        return v;
    }

    static void appendUtf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    std::string parseString() {
        expect('"');
        std::string out;
        for (;;) {
            if (pos_ >= text_.size()) fail("unterminated string");
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) fail("unterminated string");
            const char e = text_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = parseHex4();
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        if (!consumeWord("\\u")) fail("unpaired surrogate in \\u escape");
                        const unsigned low = parseHex4();
                        if (low < 0xDC00 || low >= 0xE000) fail("bad low surrogate in \\u escape");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default: fail(std::string("bad escape '\\") + e + "'");
            }
        }
    }

    double parseNumber() {
        const std::size_t start = pos_;
        if (peek() == '-') ++pos_;
        if (peek() == '0') {
            ++pos_;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') ++pos_;
        } else {
            fail("bad number");
        }
        if (peek() == '.') {
            ++pos_;
            if (!(peek() >= '0' && peek() <= '9')) fail("bad number");
            while (peek() >= '0' && peek() <= '9') ++pos_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            if (!(peek() >= '0' && peek() <= '9')) fail("bad number");
            while (peek() >= '0' && peek() <= '9') ++pos_;
        }
        double value = 0.0;
        const char* first = text_.data() + start;
        const char* last = text_.data() + pos_;
        const auto result = std::from_chars(first, last, value);
        if (result.ec != std::errc() || result.ptr != last) fail("number out of range");
        return value;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

void dumpString(std::string& out, const std::string& s) {
    out += '"';
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
                    out += buffer;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void newline(std::string& out, int indent, int level) {
    if (indent <= 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * level), ' ');
}

}  // namespace

const Json* Json::find(std::string_view key) const {
    if (type_ != Type::Object) return nullptr;
    for (const auto& m : object_)
        if (m.first == key) return &m.second;
    return nullptr;
}

Json& Json::operator[](std::string_view key) {
    check(Type::Object);
    for (auto& m : object_)
        if (m.first == key) return m.second;
    object_.emplace_back(std::string(key), Json());
    return object_.back().second;
}

std::string Json::dump(int indent) const {
    std::string out;
    dumpTo(out, indent, 0);
    return out;
}

void Json::dumpTo(std::string& out, int indent, int level) const {
    switch (type()) {
        case Type::Null: out += "null"; break;
        case Type::Bool: out += boolean() ? "true" : "false"; break;
        case Type::Number: {
            const double v = number();
            if (!std::isfinite(v)) {
                out += "null";  // JSON has no NaN or infinity
                break;
            }
            char buffer[32];
            const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
            out.append(buffer, result.ptr);
            break;
        }
        case Type::String: dumpString(out, string()); break;
        case Type::Array: {
            const Array& a = items();
            if (a.empty()) {
                out += "[]";
                break;
            }
            // Arrays of numbers stay on one line (curves, colours, shapes).
            bool flat = true;
            for (const Json& v : a) flat = flat && (v.isNumber() || v.isBool() || v.isNull());
            out += '[';
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (i) out += flat || indent <= 0 ? (indent > 0 ? ", " : ",") : ",";
                if (!flat) newline(out, indent, level + 1);
                a[i].dumpTo(out, indent, level + 1);
            }
            if (!flat) newline(out, indent, level);
            out += ']';
            break;
        }
        case Type::Object: {
            const Object& o = members();
            if (o.empty()) {
                out += "{}";
                break;
            }
            out += '{';
            for (std::size_t i = 0; i < o.size(); ++i) {
                if (i) out += ',';
                newline(out, indent, level + 1);
                dumpString(out, o[i].first);
                out += indent > 0 ? ": " : ":";
                o[i].second.dumpTo(out, indent, level + 1);
            }
            newline(out, indent, level);
            out += '}';
            break;
        }
    }
}

Json Json::parse(std::string_view text) { return Parser(text).parseDocument(); }

const char* jsonTypeName(Json::Type type) {
    switch (type) {
        case Json::Type::Null: return "null";
        case Json::Type::Bool: return "a boolean";
        case Json::Type::Number: return "a number";
        case Json::Type::String: return "a string";
        case Json::Type::Array: return "an array";
        case Json::Type::Object: return "an object";
    }
    return "unknown";
}

}  // namespace stratum::ai::detail
