#pragma once
// Colours and names of the labels of a label map. Label 0 is background (never drawn).
#include <map>
#include <string>

#include "stratum/app/model/Rgb.h"

namespace stratum::app {

class LabelColorTable {
public:
    // The colour set for `label`, else a distinct default (a fixed palette of 12
    // colours, then golden-angle hues).
    Rgb color(int label) const;
    void setColor(int label, Rgb color) { colors_[label] = color; }
    // The name set for `label`, else "label <n>".
    std::string name(int label) const;
    void setName(int label, std::string name) { names_[label] = std::move(name); }

    static Rgb defaultColor(int label);

private:
    std::map<int, Rgb> colors_;
    std::map<int, std::string> names_;
};

}  // namespace stratum::app
