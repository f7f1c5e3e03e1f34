"""Plausible wrong answers for chapter 8, and correct answers written differently."""

MUTANTS = {
    "causal_mask": {
        "logic: centre kept for type A too": '''
def causal_mask(kernel_size, mask_type):
    mask = np.zeros((kernel_size, kernel_size), dtype=np.float32)
    c = kernel_size // 2
    mask[:c] = 1.0
    mask[c, :c + 1] = 1.0
    return mask
''',
        "logic: transposed (columns before rows)": '''
def causal_mask(kernel_size, mask_type):
    mask = np.zeros((kernel_size, kernel_size), dtype=np.float32)
    c = kernel_size // 2
    mask[:, :c] = 1.0
    mask[:c, c] = 1.0
    if mask_type == "B":
        mask[c, c] = 1.0
    return mask
''',
        "contract: integer dtype": '''
def causal_mask(kernel_size, mask_type):
    mask = np.zeros((kernel_size, kernel_size), dtype=int)
    c = kernel_size // 2
    mask[:c] = 1
    mask[c, :c] = 1
    if mask_type == "B":
        mask[c, c] = 1
    return mask
''',
        "contract: shape (k, k, 1, 1) instead of (k, k)": '''
def causal_mask(kernel_size, mask_type):
    mask = np.zeros((kernel_size, kernel_size, 1, 1), dtype=np.float32)
    c = kernel_size // 2
    mask[:c] = 1.0
    mask[c, :c] = 1.0
    if mask_type == "B":
        mask[c, c] = 1.0
    return mask
''',
    },
    "MaskedConv2D": {
        "contract: ignores mask_type (always A)": '''
class MaskedConv2D(keras.layers.Layer):
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.mask_type, self.filters, self.kernel_size = mask_type, filters, kernel_size
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        k = self.kernel_size
        self.kernel = self.add_weight(shape=(k, k, input_shape[-1], self.filters), initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros")
        self.mask = causal_mask(k, "A")[:, :, None, None]

    def call(self, inputs):
        return self.activation(keras.ops.conv(inputs, self.kernel * self.mask, padding="same") + self.bias)
''',
        "contract: padding valid (smaller output)": '''
class MaskedConv2D(keras.layers.Layer):
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.mask_type, self.filters, self.kernel_size = mask_type, filters, kernel_size
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        k = self.kernel_size
        self.kernel = self.add_weight(shape=(k, k, input_shape[-1], self.filters), initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros")
        self.mask = causal_mask(k, self.mask_type)[:, :, None, None]

    def call(self, inputs):
        return self.activation(keras.ops.conv(inputs, self.kernel * self.mask, padding="valid") + self.bias)
''',
        "logic: mask flipped upside down (sees the rows below)": '''
class MaskedConv2D(keras.layers.Layer):
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.mask_type, self.filters, self.kernel_size = mask_type, filters, kernel_size
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        k = self.kernel_size
        self.kernel = self.add_weight(shape=(k, k, input_shape[-1], self.filters), initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros")
        self.mask = causal_mask(k, self.mask_type)[::-1, :, None, None].copy()

    def call(self, inputs):
        return self.activation(keras.ops.conv(inputs, self.kernel * self.mask, padding="same") + self.bias)
''',
        "numeric: the activation is ignored": '''
class MaskedConv2D(keras.layers.Layer):
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.mask_type, self.filters, self.kernel_size = mask_type, filters, kernel_size

    def build(self, input_shape):
        k = self.kernel_size
        self.kernel = self.add_weight(shape=(k, k, input_shape[-1], self.filters), initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros")
        self.mask = causal_mask(k, self.mask_type)[:, :, None, None]

    def call(self, inputs):
        return keras.ops.conv(inputs, self.kernel * self.mask, padding="same") + self.bias
''',
        # A fixed 3x3 kernel whatever kernel_size says (the output shape is the same with padding "same").
        "contract: kernel_size ignored (always 3)": '''
class MaskedConv2D(keras.layers.Layer):
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.mask_type, self.filters = mask_type, filters
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(3, 3, input_shape[-1], self.filters), initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros")
        self.mask = causal_mask(3, self.mask_type)[:, :, None, None]

    def call(self, inputs):
        return self.activation(keras.ops.conv(inputs, self.kernel * self.mask, padding="same") + self.bias)
''',
    },
    "ResidualBlock": {
        "logic: no skip connection": '''
class ResidualBlock(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.down = keras.layers.Conv2D(filters // 2, 1, activation="relu")
        self.pixel = MaskedConv2D("B", filters // 2, 3, activation="relu")
        self.up = keras.layers.Conv2D(filters, 1, activation="relu")

    def call(self, inputs):
        return self.up(self.pixel(self.down(inputs)))
''',
        "contract: type A in the middle": '''
class ResidualBlock(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.down = keras.layers.Conv2D(filters // 2, 1, activation="relu")
        self.pixel = MaskedConv2D("A", filters // 2, 3, activation="relu")
        self.up = keras.layers.Conv2D(filters, 1, activation="relu")

    def call(self, inputs):
        return inputs + self.up(self.pixel(self.down(inputs)))
''',
        "numeric: no ReLU on the last 1x1 convolution": '''
class ResidualBlock(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.down = keras.layers.Conv2D(filters // 2, 1, activation="relu")
        self.pixel = MaskedConv2D("B", filters // 2, 3, activation="relu")
        self.up = keras.layers.Conv2D(filters, 1)

    def call(self, inputs):
        return inputs + self.up(self.pixel(self.down(inputs)))
''',
        "contract: channels not halved": '''
class ResidualBlock(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.down = keras.layers.Conv2D(filters, 1, activation="relu")
        self.pixel = MaskedConv2D("B", filters, 3, activation="relu")
        self.up = keras.layers.Conv2D(filters, 1, activation="relu")

    def call(self, inputs):
        return inputs + self.up(self.pixel(self.down(inputs)))
''',
    },
    "sample_images": {
        "numeric: probabilities raised to T instead of 1/T": '''
def sample_images(model, n, height, width, levels, temperature, rng):
    canvas = np.zeros((n, height, width, 1), dtype=np.float32)
    out = np.zeros((n, height, width), dtype=np.int64)
    for i in range(height):
        for j in range(width):
            p = np.asarray(model(canvas), dtype=np.float64)[:, i, j] ** temperature
            p /= p.sum(axis=1, keepdims=True)
            out[:, i, j] = [rng.choice(levels, p=q) for q in p]
            canvas[:, i, j, 0] = out[:, i, j] / levels
    return out
''',
        "contract: the canvas holds the level, not level / levels": '''
def sample_images(model, n, height, width, levels, temperature, rng):
    canvas = np.zeros((n, height, width, 1), dtype=np.float32)
    for i in range(height):
        for j in range(width):
            p = np.asarray(model(canvas), dtype=np.float64)[:, i, j] ** (1 / temperature)
            p /= p.sum(axis=1, keepdims=True)
            canvas[:, i, j, 0] = [rng.choice(levels, p=q) for q in p]
    return canvas[..., 0].astype(np.int64)
''',
        "logic: the model called once, before the loop": '''
def sample_images(model, n, height, width, levels, temperature, rng):
    canvas = np.zeros((n, height, width, 1), dtype=np.float32)
    probs = np.asarray(model(canvas), dtype=np.float64) ** (1 / temperature)
    probs /= probs.sum(axis=-1, keepdims=True)
    out = np.zeros((n, height, width), dtype=np.int64)
    for i in range(height):
        for j in range(width):
            out[:, i, j] = [rng.choice(levels, p=q) for q in probs[:, i, j]]
            canvas[:, i, j, 0] = out[:, i, j] / levels
    return out
''',
        "logic: column by column instead of row by row": '''
def sample_images(model, n, height, width, levels, temperature, rng):
    canvas = np.zeros((n, height, width, 1), dtype=np.float32)
    out = np.zeros((n, height, width), dtype=np.int64)
    for j in range(width):
        for i in range(height):
            p = np.asarray(model(canvas), dtype=np.float64)[:, i, j] ** (1 / temperature)
            p /= p.sum(axis=1, keepdims=True)
            out[:, i, j] = [rng.choice(levels, p=q) for q in p]
            canvas[:, i, j, 0] = out[:, i, j] / levels
    return out
''',
        "contract: ignores rng (global np.random)": '''
def sample_images(model, n, height, width, levels, temperature, rng):
    canvas = np.zeros((n, height, width, 1), dtype=np.float32)
    out = np.zeros((n, height, width), dtype=np.int64)
    for i in range(height):
        for j in range(width):
            p = np.asarray(model(canvas), dtype=np.float64)[:, i, j] ** (1 / temperature)
            p /= p.sum(axis=1, keepdims=True)
            out[:, i, j] = [np.random.choice(levels, p=q) for q in p]
            canvas[:, i, j, 0] = out[:, i, j] / levels
    return out
''',
    },
    "bits_per_dim": {
        "numeric: natural log (nats, not bits)": '''
def bits_per_dim(model, inputs, targets):
    p = np.asarray(model(inputs), dtype=np.float64)
    return float(-np.log(np.take_along_axis(p, targets[..., None], axis=-1)).mean())
''',
        "logic: summed over pixels, averaged over images": '''
def bits_per_dim(model, inputs, targets):
    p = np.asarray(model(inputs), dtype=np.float64)
    picked = np.take_along_axis(p, targets[..., None], axis=-1)[..., 0]
    return float(-np.log2(picked).sum(axis=(1, 2)).mean())
''',
        "logic: probability of the most likely level, not the target": '''
def bits_per_dim(model, inputs, targets):
    p = np.asarray(model(inputs), dtype=np.float64)
    return float(-np.log2(p.max(axis=-1)).mean())
''',
        "contract: returns a NumPy array, not a float": '''
def bits_per_dim(model, inputs, targets):
    p = np.asarray(model(inputs), dtype=np.float64)
    return -np.log2(np.take_along_axis(p, targets[..., None], axis=-1)).mean(keepdims=True)
''',
    },
}

ALTERNATIVES = {
    # Boolean comparisons on index grids.
    "causal_mask": [
        '''
def causal_mask(kernel_size, mask_type):
    rows, cols = np.indices((kernel_size, kernel_size))
    c = kernel_size // 2
    before = (rows < c) | ((rows == c) & (cols < c))
    centre = (rows == c) & (cols == c) & (mask_type == "B")
    return (before | centre).astype(np.float32)
''',
        # Raster positions: open before the centre (or at it for B), the source's loop order.
        '''
def causal_mask(kernel_size, mask_type):
    order = np.arange(kernel_size * kernel_size).reshape(kernel_size, kernel_size)
    centre = (kernel_size * kernel_size) // 2
    return (order < centre + (mask_type == "B")).astype("float32")
''',
    ],
    "MaskedConv2D": [
        # Subclassing Conv2D and masking its kernel in call (keras.ops.conv on the product).
        '''
class MaskedConv2D(keras.layers.Conv2D):
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        super().__init__(filters, kernel_size, padding="same", activation=activation, **kwargs)
        self.mask_type = mask_type

    def build(self, input_shape):
        super().build(input_shape)
        self.mask = causal_mask(self.kernel_size[0], self.mask_type)[:, :, None, None]

    def call(self, inputs):
        out = keras.ops.conv(inputs, self.kernel * self.mask, strides=1, padding="same")
        return self.activation(keras.ops.add(out, self.bias))
''',
        # The source's way: a wrapped Conv2D whose kernel is overwritten with the masked kernel before each call.
        '''
class MaskedConv2D(keras.layers.Layer):
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.mask_type = mask_type
        self.conv = keras.layers.Conv2D(filters, kernel_size, padding="same", activation=activation)

    def build(self, input_shape):
        self.conv.build(input_shape)
        k = self.conv.kernel.shape[0]
        self.mask = np.broadcast_to(causal_mask(k, self.mask_type)[:, :, None, None], self.conv.kernel.shape).copy()

    def call(self, inputs):
        self.conv.kernel.assign(self.conv.kernel * self.mask)
        return self.conv(inputs)
''',
    ],
    "ResidualBlock": [
        # Sub-layers created in another order, activations as layers, keras.layers.add.
        '''
class ResidualBlock(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv2 = keras.layers.Conv2D(filters=filters, kernel_size=1, activation=tf.nn.relu)
        self.pixel_conv = MaskedConv2D(mask_type="B", filters=filters // 2, kernel_size=3, activation="relu")
        self.conv1 = keras.layers.Conv2D(filters=filters // 2, kernel_size=(1, 1), activation="relu")

    def call(self, inputs):
        x = self.conv1(inputs)
        x = self.pixel_conv(x)
        x = self.conv2(x)
        return keras.layers.add([inputs, x])
''',
        # Explicit ReLUs after linear convolutions; keras.ops.add.
        '''
class ResidualBlock(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.a = keras.layers.Conv2D(filters // 2, 1)
        self.b = MaskedConv2D("B", filters // 2, 3, activation="relu")
        self.c = keras.layers.Conv2D(filters, 1)

    def call(self, inputs):
        h = keras.ops.relu(self.a(inputs))
        return keras.ops.add(inputs, keras.ops.relu(self.c(self.b(h))))
''',
        # The masked convolution's relu as a separate ReLU layer; activations given as functions.
        '''
class ResidualBlock(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.a = keras.layers.Conv2D(filters // 2, 1, activation=keras.activations.relu)
        self.b, self.relu = MaskedConv2D("B", filters // 2, 3), keras.layers.ReLU()
        self.c = keras.layers.Conv2D(filters, 1, activation=keras.activations.relu)

    def call(self, inputs):
        return inputs + self.c(self.relu(self.b(self.a(inputs))))
''',
    ],
    "sample_images": [
        # Inverse-CDF sampling of all images at once with rng.random; model.predict.
        '''
def sample_images(model, n, height, width, levels, temperature, rng):
    canvas = np.zeros((n, height, width, 1), dtype="float32")
    for i in range(height):
        for j in range(width):
            logp = np.log(np.asarray(model.predict(canvas, verbose=0))[:, i, j]) / temperature
            p = np.exp(logp - logp.max(axis=1, keepdims=True))
            cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
            u = rng.random((n, 1))
            canvas[:, i, j, 0] = np.minimum((u > cdf).sum(axis=1), levels - 1) / levels
    return np.rint(canvas[..., 0] * levels).astype(int)
''',
        # One loop over raster positions; Generator.choice per image; keras.ops.convert_to_numpy.
        '''
def sample_images(model, n, height, width, levels, temperature, rng):
    canvas = np.zeros((n, height, width, 1), dtype=np.float32)
    images = np.zeros((n, height, width), dtype=np.int32)
    for position in range(height * width):
        i, j = divmod(position, width)
        p = keras.ops.convert_to_numpy(model(canvas)).astype(np.float64)[:, i, j, :]
        p = np.power(p, 1.0 / temperature)
        p = p / p.sum(-1, keepdims=True)
        for b in range(n):
            images[b, i, j] = rng.choice(levels, p=p[b])
        canvas[:, i, j, 0] = images[:, i, j] / levels
    return images
''',
    ],
    "bits_per_dim": [
        # Keras's sparse categorical cross-entropy (nats, float32) divided by ln 2.
        '''
def bits_per_dim(model, inputs, targets):
    nats = keras.losses.sparse_categorical_crossentropy(targets, model(inputs))
    return float(keras.ops.mean(nats)) / np.log(2)
''',
        # One-hot targets and a sum.
        '''
def bits_per_dim(model, inputs, targets):
    p = np.asarray(model(inputs))
    onehot = np.eye(p.shape[-1])[targets]
    return float(-(onehot * np.log2(p)).sum() / targets.size)
''',
    ],
}
