#!/usr/bin/env python3
"""PyTorch twin of Stratum's built-in plain U-Net (src/ai/UNet.cpp): the same layers,
parameter names and order of operations, instance normalisation only. Used by
tests/ai/SegmentationScriptTest.cpp (export to TorchScript with Stratum's weights) and
bench/segment_bench.cpp (the PyTorch reference timing).

  unet_reference.py export PARAMS OUT_DIR DIMS DEPTH WIDTH IN_CHANNELS LABELS
      PARAMS: one line per parameter, "name value value ..." (Segmenter::parameters()).
      Writes OUT_DIR/unet.pt (traced TorchScript) and OUT_DIR/bad.pt (one logit
      channel too many, for the error test).
  unet_reference.py bench DIMS DEPTH WIDTH IN_CHANNELS LABELS PX PY PZ BATCH REPEATS THREADS
      Prints the median wall and CPU (process) seconds of one forward pass + softmax of
      BATCH random patches.
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


class ConvNorm(nn.Module):
    def __init__(self, dims, cin, cout, kernel):
        super().__init__()
        conv = nn.Conv3d if dims == 3 else nn.Conv2d
        norm = nn.InstanceNorm3d if dims == 3 else nn.InstanceNorm2d
        self.conv = conv(cin, cout, kernel, padding=kernel // 2)
        self.norm = norm(cout, affine=True)

    def forward(self, x):
        return self.norm(self.conv(x))


class DoubleConv(nn.Module):
    def __init__(self, dims, cin, cout):
        super().__init__()
        self.conv0 = ConvNorm(dims, cin, cout, 3)
        self.conv1 = ConvNorm(dims, cout, cout, 3)

    def forward(self, x):
        return F.leaky_relu(self.conv1(F.leaky_relu(self.conv0(x), 0.01)), 0.01)


class UNet(nn.Module):
    def __init__(self, dims, depth, width, cin, labels):
        super().__init__()
        self.dims, self.depth = dims, depth
        ch = [width << level for level in range(depth)]
        up = nn.ConvTranspose3d if dims == 3 else nn.ConvTranspose2d
        conv = nn.Conv3d if dims == 3 else nn.Conv2d
        for level in range(depth):
            setattr(self, f"enc{level}", DoubleConv(dims, cin if level == 0 else ch[level - 1], ch[level]))
        for level in range(depth - 2, -1, -1):
            setattr(self, f"up{level}", up(ch[level + 1], ch[level], 2, stride=2))
            setattr(self, f"dec{level}", DoubleConv(dims, 2 * ch[level], ch[level]))
        self.head = conv(ch[0], labels, 1)

    def forward(self, x):
        pool = F.max_pool3d if self.dims == 3 else F.max_pool2d
        skips = []
        y = x
        for level in range(self.depth):
            if level > 0:
                y = pool(y, 2, 2)
            y = getattr(self, f"enc{level}")(y)
            skips.append(y)
        for level in range(self.depth - 2, -1, -1):
            upsampled = getattr(self, f"up{level}")(y)
            y = getattr(self, f"dec{level}")(torch.cat([skips[level], upsampled], 1))
        return self.head(y)


class ExtraChannel(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        logits = self.inner(x)
        return torch.cat([logits, logits[:, :1]], 1)


def export(params, out, dims, depth, width, cin, labels):
    net = UNet(dims, depth, width, cin, labels).eval()
    state = net.state_dict()
    seen = set()
    with open(params) as f:
        for line in f:
            name, *values = line.split()
            state[name].copy_(torch.tensor([float(v) for v in values]).view_as(state[name]))
            seen.add(name)
    missing = set(state) - seen
    if missing:
        sys.exit("parameters missing from " + params + ": " + ", ".join(sorted(missing)))
    example = torch.zeros([1, cin] + [16] * dims)
    with torch.no_grad():
        torch.jit.trace(net, example).save(out + "/unet.pt")
        torch.jit.trace(ExtraChannel(net).eval(), example).save(out + "/bad.pt")


def bench(dims, depth, width, cin, labels, patch, batch, repeats, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = UNet(dims, depth, width, cin, labels).eval()
    x = torch.randn([batch, cin] + list(reversed(patch[:dims])))
    times, cpu = [], []
    with torch.inference_mode():
        net(x)  # warm-up
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            torch.softmax(net(x), 1)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    print(statistics.median(times), statistics.median(cpu))


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "export":
        export(args[0], args[1], *[int(a) for a in args[2:7]])
    elif mode == "bench":
        n = [int(a) for a in args]
        bench(n[0], n[1], n[2], n[3], n[4], n[5:8], n[8], n[9], n[10])
    else:
        sys.exit("usage: unet_reference.py export|bench ...")


if __name__ == "__main__":
    main()
