#include "Networks.h"

#include "stratum/ai/Device.h"

namespace stratum::ai {
namespace detail {

std::shared_ptr<ClassifierNet> buildNetwork(const ArchitectureSpec& spec) {
    spec.validate();
    if (spec.name == "resnet") return makeResNet(spec);
    if (spec.name == "densenet") return makeDenseNet(spec);
    return makeSimpleCnn(spec);
}

}  // namespace detail

std::int64_t parameterCount(const ArchitectureSpec& spec) {
    ensureThreads();
    const auto net = detail::buildNetwork(spec);
    std::int64_t count = 0;
    for (const torch::Tensor& p : net->parameters()) count += p.numel();
    return count;
}

}  // namespace stratum::ai
