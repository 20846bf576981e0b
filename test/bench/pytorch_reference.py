"""The benchmark's supernet and evaluation-network steps in PyTorch on CPU, for side-by-side figures.

Same network as our reference supernet: the DARTS search network (Liu et al., ICLR 2019, its
model_search.py structure: mixed edges over the 8 DARTS ops, BN without affine parameters, pools
followed by BN) on 28x28x1 input, C=8, 5 cells with reductions at cells 1 and 3, 4 intermediate
nodes, batch 32; one step = forward, backward, SGD update of the weights (alphas fixed).
`python3 pytorch_reference.py <threads> <steps> [reference|default|eval|fmnist] [eval batch, default 96]`: `default` is DARTS's
search network at CIFAR size (32x32x3, C=16, 8 cells, batch 64, train_search.py); `eval` one
training step of the evaluation network NetworkCIFAR (quark0/darts cnn/model.py) with the DARTS_V2
cell (test/fixtures/darts_genotypes.json), C=36, 20 cells, batch 96, no auxiliary head, no
drop-path (as our side of the bench); `fmnist` the same network as the `fmnist-cpu` evaluation preset
trains it (C=16, 8 cells, 28x28x1). Written for this benchmark; prints one JSON line:
{"threads": n, "step_ms": median, "peak_rss_mib": ..., ...}.
"""
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out, k, stride, pad):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_out, k, stride, pad, bias=False), nn.BatchNorm2d(c_out, affine=False))

    def forward(self, x):
        return self.op(x)


class SepConv(nn.Module):
    def __init__(self, c, k, stride, pad):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(), nn.Conv2d(c, c, k, stride, pad, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False),
            nn.ReLU(), nn.Conv2d(c, c, k, 1, pad, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False))

    def forward(self, x):
        return self.op(x)


class DilConv(nn.Module):
    def __init__(self, c, k, stride, pad, dilation):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, k, stride, pad, dilation=dilation, groups=c, bias=False),
                                nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False))

    def forward(self, x):
        return self.op(x)


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.relu = nn.ReLU()
        self.c1 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.c2 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=False)

    def forward(self, x):
        x = self.relu(x)
        return self.bn(torch.cat([self.c1(x), self.c2(x[:, :, 1:, 1:])], dim=1))


class Zero(nn.Module):
    def __init__(self, stride):
        super().__init__()
        self.stride = stride

    def forward(self, x):
        return x.mul(0.0) if self.stride == 1 else x[:, :, ::self.stride, ::self.stride].mul(0.0)


def make_op(name, c, stride):
    if name == 'none':
        return Zero(stride)
    if name == 'avg_pool_3x3':
        return nn.Sequential(nn.AvgPool2d(3, stride, 1, count_include_pad=False), nn.BatchNorm2d(c, affine=False))
    if name == 'max_pool_3x3':
        return nn.Sequential(nn.MaxPool2d(3, stride, 1), nn.BatchNorm2d(c, affine=False))
    if name == 'skip_connect':
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    if name == 'sep_conv_3x3':
        return SepConv(c, 3, stride, 1)
    if name == 'sep_conv_5x5':
        return SepConv(c, 5, stride, 2)
    if name == 'dil_conv_3x3':
        return DilConv(c, 3, stride, 2, 2)
    if name == 'dil_conv_5x5':
        return DilConv(c, 5, stride, 4, 2)
    raise ValueError(name)


OPS = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']


class MixedOp(nn.Module):
    def __init__(self, c, stride):
        super().__init__()
        self.ops = nn.ModuleList([make_op(o, c, stride) for o in OPS])

    def forward(self, x, w):
        return sum(wi * op(x) for wi, op in zip(w, self.ops))


class Cell(nn.Module):
    def __init__(self, nodes, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.pre0 = FactorizedReduce(c_pp, c) if reduction_prev else ReLUConvBN(c_pp, c, 1, 1, 0)
        self.pre1 = ReLUConvBN(c_p, c, 1, 1, 0)
        self.nodes = nodes
        self.reduction = reduction
        self.edges = nn.ModuleList()
        for i in range(nodes):
            for j in range(2 + i):
                self.edges.append(MixedOp(c, 2 if reduction and j < 2 else 1))

    def forward(self, s0, s1, weights):
        states = [self.pre0(s0), self.pre1(s1)]
        offset = 0
        for i in range(self.nodes):
            s = sum(self.edges[offset + j](h, weights[offset + j]) for j, h in enumerate(states))
            offset += len(states)
            states.append(s)
        return torch.cat(states[-self.nodes:], dim=1)


class Network(nn.Module):
    def __init__(self, c=8, classes=10, layers=5, nodes=4, stem_multiplier=3, in_channels=1):
        super().__init__()
        c_curr = stem_multiplier * c
        self.stem = nn.Sequential(nn.Conv2d(in_channels, c_curr, 3, padding=1, bias=False), nn.BatchNorm2d(c_curr))
        c_pp, c_p, c_curr = c_curr, c_curr, c
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                c_curr *= 2
            self.cells.append(Cell(nodes, c_pp, c_p, c_curr, reduction, reduction_prev))
            reduction_prev = reduction
            c_pp, c_p = c_p, nodes * c_curr
        self.classifier = nn.Linear(c_p, classes)
        k = sum(2 + i for i in range(nodes))
        self.alphas_normal = 1e-3 * torch.randn(k, len(OPS))
        self.alphas_reduce = 1e-3 * torch.randn(k, len(OPS))

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            w = F.softmax(self.alphas_reduce if cell.reduction else self.alphas_normal, dim=-1)
            s0, s1 = s1, cell(s0, s1, w)
        return self.classifier(F.adaptive_avg_pool2d(s1, 1).flatten(1))


def eval_op(name, c, stride):
    """DARTS's OPS (cnn/operations.py): the search ops, pools without their BN (NetworkCIFAR makes every BN affine)."""
    op = make_op(name, c, stride)
    return op[0] if name.endswith('pool_3x3') else op


def make_affine(net):
    """model.py's BNs are affine (the search network's are not)."""
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d) and not m.affine:
            m.affine = True
            m.weight = nn.Parameter(torch.ones(m.num_features))
            m.bias = nn.Parameter(torch.zeros(m.num_features))


class EvalCell(nn.Module):
    def __init__(self, genotype, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.pre0 = FactorizedReduce(c_pp, c) if reduction_prev else ReLUConvBN(c_pp, c, 1, 1, 0)
        self.pre1 = ReLUConvBN(c_p, c, 1, 1, 0)
        pairs = genotype['reduce' if reduction else 'normal']
        self.concat = genotype['reduce_concat' if reduction else 'normal_concat']
        self.inputs = [j for _, j in pairs]
        self.ops = nn.ModuleList([eval_op(op, c, 2 if reduction and j < 2 else 1) for op, j in pairs])
        self.reduction = reduction

    def forward(self, s0, s1):
        states = [self.pre0(s0), self.pre1(s1)]
        for i in range(len(self.ops) // 2):
            a, b = 2 * i, 2 * i + 1
            states.append(self.ops[a](states[self.inputs[a]]) + self.ops[b](states[self.inputs[b]]))
        return torch.cat([states[i] for i in self.concat], dim=1)


class NetworkCIFAR(nn.Module):
    def __init__(self, genotype, c=36, classes=10, layers=20, in_channels=3):
        super().__init__()
        c_curr = 3 * c
        self.stem = nn.Sequential(nn.Conv2d(in_channels, c_curr, 3, padding=1, bias=False), nn.BatchNorm2d(c_curr))
        c_pp, c_p, c_curr = c_curr, c_curr, c
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                c_curr *= 2
            cell = EvalCell(genotype, c_pp, c_p, c_curr, reduction, reduction_prev)
            self.cells.append(cell)
            reduction_prev = reduction
            c_pp, c_p = c_p, len(cell.concat) * c_curr
        self.classifier = nn.Linear(c_p, classes)
        make_affine(self)

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.classifier(F.adaptive_avg_pool2d(s1, 1).flatten(1))


def build(kind, eval_batch=96):
    """The network, its input shape and SGD's learning rate for one of the bench's three steps."""
    if kind == 'reference':
        return Network(), (32, 1, 28, 28), 0.025
    if kind == 'default':
        return Network(c=16, layers=8, in_channels=3), (64, 3, 32, 32), 0.025
    if kind in ('eval', 'fmnist'):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, '..', 'fixtures', 'darts_genotypes.json')) as f:
            genotype = json.load(f)['genotypes']['DARTS_V2']
        if kind == 'fmnist':  # the fmnist-cpu preset's network (docs/evaluation.md), lr 0.05
            return NetworkCIFAR(genotype, c=16, layers=8, in_channels=1), (eval_batch, 1, 28, 28), 0.05
        return NetworkCIFAR(genotype), (eval_batch, 3, 32, 32), 0.025
    raise ValueError(kind)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    kind = sys.argv[3] if len(sys.argv) > 3 else 'reference'
    eval_batch = int(sys.argv[4]) if len(sys.argv) > 4 else 96
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net, shape, lr = build(kind, eval_batch)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, weight_decay=3e-4)
    x = torch.randn(*shape)
    y = torch.randint(0, 10, (shape[0],))
    times = []
    for i in range(steps + 1):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        if i > 0:  # the first step warms up allocators and kernels
            times.append((time.perf_counter() - t0) * 1000)
    params = sum(p.numel() for p in net.parameters())
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(json.dumps({"threads": threads, "kind": kind, "batch": shape[0], "step_ms": statistics.median(times), "steps": steps, "params": params,
                      "peak_rss_mib": peak_rss_mib, "torch": torch.__version__}))


if __name__ == '__main__':
    main()
