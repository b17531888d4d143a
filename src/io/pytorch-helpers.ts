// The Python that every exported module shares (see pytorch.ts): the book's layers PyTorch lacks,
// the safetensors reader and writer in plain Python, build_model, loss and save_model.
// NOTE: the code uses module globals (TENSORS, DECAYED, LOSS, ...) that pytorch.ts writes after it.

export const PYTHON_HELPERS = String.raw`

class Dense(nn.Module):
    """scratchnet's dense layer (the book's Affine): flattens each sample, then x @ W + b."""

    def __init__(self, fan_in, units):
        super().__init__()
        self.linear = nn.Linear(fan_in, units)

    def forward(self, x):
        return self.linear(x.reshape(x.shape[0], -1))


class BookDropout(nn.Module):
    """The book's dropout, not inverted: train keeps each value with probability 1 - ratio,
    unscaled; eval multiplies every value by 1 - ratio."""

    def __init__(self, ratio):
        super().__init__()
        self.ratio = ratio

    def forward(self, x):
        if self.training:
            return x * (torch.rand_like(x) > self.ratio)
        return x * (1.0 - self.ratio)


class BookBatchNorm(nn.Module):
    """The book's batch normalization: statistics per feature of the flattened input (gamma has
    C*H*W entries), biased batch variance, running = m * running + (1 - m) * batch."""

    def __init__(self, features, momentum, eps):
        super().__init__()
        self.momentum, self.eps = momentum, eps
        self.gamma = nn.Parameter(torch.ones(features))
        self.beta = nn.Parameter(torch.zeros(features))
        self.register_buffer('running_mean', torch.zeros(features))
        self.register_buffer('running_var', torch.zeros(features))

    def forward(self, x):
        flat = x.reshape(x.shape[0], -1)
        if self.training:
            mu = flat.mean(0)
            var = ((flat - mu) ** 2).mean(0)
            with torch.no_grad():
                self.running_mean.mul_(self.momentum).add_((1 - self.momentum) * mu)
                self.running_var.mul_(self.momentum).add_((1 - self.momentum) * var)
        else:
            mu, var = self.running_mean, self.running_var
        out = self.gamma * ((flat - mu) / torch.sqrt(var + self.eps)) + self.beta
        return out.reshape(x.shape)


class ZeroPaddedPool(nn.Module):
    """Pooling as scratchnet's: the padding holds zeros, which count in a window's max or mean
    (PyTorch's MaxPool2d pads with -inf); the output size floors."""

    def __init__(self, op, size, stride, pad):
        super().__init__()
        self.op, self.size, self.stride, self.pad = op, size, stride, pad

    def forward(self, x):
        if self.pad:
            x = F.pad(x, (self.pad,) * 4)
        pool = F.max_pool2d if self.op == 'max' else F.avg_pool2d
        return pool(x, self.size, self.stride)


class Maxout(nn.Module):
    """Groups of pieces consecutive entries of axis 1, the max of each."""

    def __init__(self, pieces):
        super().__init__()
        self.pieces = pieces

    def forward(self, x):
        n, c = x.shape[0], x.shape[1]
        return x.reshape(n, c // self.pieces, self.pieces, *x.shape[2:]).max(2).values


def read_safetensors(path):
    """The float32 tensors and the metadata of a safetensors file, with json and struct only."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f'{path}: not a safetensors file (shorter than its 8-byte header length)')
    (size,) = struct.unpack('<Q', data[:8])
    if 8 + size > len(data):
        raise ValueError(f'{path}: not a safetensors file (its header of {size} bytes runs past the end)')
    header = json.loads(data[8:8 + size])
    body = 8 + size
    tensors = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        if info['dtype'] != 'F32':
            raise ValueError(f"{path}: tensor {name!r} is {info['dtype']}; expected F32")
        begin, end = info['data_offsets']
        count = 1
        for d in info['shape']:
            count *= d
        if end - begin != 4 * count or body + end > len(data):
            raise ValueError(f"{path}: tensor {name!r} of shape {info['shape']} has bytes [{begin}, {end})")
        raw = data[body + begin:body + end]
        if sys.byteorder == 'little' and count:
            flat = torch.frombuffer(bytearray(raw), dtype=torch.float32)
        else:
            flat = torch.tensor(struct.unpack(f'<{count}f', raw), dtype=torch.float32)
        tensors[name] = flat.reshape(info['shape'])
    return tensors, header.get('__metadata__', {})


def build_model(safetensors_path):
    """The network with the file's parameters and batch-norm statistics, in eval() mode."""
    tensors, _ = read_safetensors(safetensors_path)
    model = create_model()
    state = model.state_dict()
    for name, key, transpose in TENSORS:
        if name not in tensors:
            raise ValueError(f'{safetensors_path}: no tensor {name!r}; this module needs {[t[0] for t in TENSORS]}')
        value = tensors[name].t() if transpose else tensors[name]
        if tuple(value.shape) != tuple(state[key].shape):
            raise ValueError(f'{safetensors_path}: tensor {name!r} has shape {tuple(tensors[name].shape)}, which does not fit {key}')
        state[key] = value.contiguous()
    model.load_state_dict(state)
    return model.eval()


def loss(model, x, t):
    """The network's loss, as scratchnet computes it, plus weight decay 0.5 * lambda * sum(W^2)
    over dense and conv weights. t: class indices (N,) or targets (N, C).
    softmax-cross-entropy: the book's, -log(softmax + 1e-7) of the right class, mean over the batch;
    mean-squared-error: 0.5 * sum((y - t)^2) per sample (labels stand for one-hot rows), mean;
    sigmoid-cross-entropy: softplus(y) - t * y summed over the units, mean over the batch."""
    y = model(x)
    n = y.shape[0]
    if LOSS == 'softmax-cross-entropy':
        p = F.softmax(y, dim=1)
        if t.dim() == 1:
            data = -torch.log(p.gather(1, t.long().reshape(-1, 1)) + 1e-7).sum() / n
        else:
            data = -(t * torch.log(p + 1e-7)).sum() / n
    elif LOSS == 'mean-squared-error':
        target = F.one_hot(t.long(), y.shape[1]).to(y.dtype) if t.dim() == 1 and y.shape[1] > 1 else t.reshape(y.shape)
        data = 0.5 * ((y - target) ** 2).sum() / n
    elif LOSS == 'sigmoid-cross-entropy':
        target = t.reshape(y.shape).to(y.dtype)
        data = (F.softplus(y) - target * y).sum() / n
    else:
        raise NotImplementedError(f'loss {LOSS!r}')
    if WEIGHT_DECAY_LAMBDA:
        params = dict(model.named_parameters())
        data = data + 0.5 * WEIGHT_DECAY_LAMBDA * sum((params[k] ** 2).sum() for k in DECAYED)
    if L1_LAMBDA:
        params = dict(model.named_parameters())
        data = data + L1_LAMBDA * sum(params[k].abs().sum() for k in DECAYED)
    return data


def save_model(model, path):
    """Writes the model's tensors under scratchnet's names, with its architecture, as a
    safetensors file that scratchnet's loadModel reads."""
    state = model.state_dict()
    header, chunks, offset = {}, [], 0
    for name, key, transpose in TENSORS:
        value = state[key].detach().to(torch.float32).cpu()
        value = (value.t() if transpose else value).contiguous()
        chunk = struct.pack(f'<{value.numel()}f', *value.flatten().tolist())
        header[name] = {'dtype': 'F32', 'shape': list(value.shape), 'data_offsets': [offset, offset + len(chunk)]}
        chunks.append(chunk)
        offset += len(chunk)
    header['__metadata__'] = {'format': 'scratchnet', 'network': ARCHITECTURE['kind'], 'architecture': json.dumps(ARCHITECTURE)}
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(chunks))
`;
