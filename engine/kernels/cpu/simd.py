"""Explicit 8-lane vectors for the small-matrix kernels (numba intrinsics, no Qt, no sizes).

numba compiles with SLP vectorisation off, and LLVM's loop vectoriser picks a vector factor x
interleave far above 8, so an inner loop over 8 outputs runs scalar (or through a chain of
run-time checks). These intrinsics emit ``<8 x float>`` / ``<8 x double>`` LLVM vectors directly:
an accumulator lives in a register across a whole reduction, loads and stores are single vector
instructions (ymm for float32; zmm or two ymm for float64).

Arithmetic is lane-wise IEEE with the multiply and the add kept separate (no FMA contraction:
numba compiles without fastmath), so a kernel that keeps the scalar code's summation order gives
bit-identical results. All functions are specialised on the dtype only.

- ``v8_load(a, i)``: lanes ``a[i:i+8]`` of a 1-D float array (any layout);
- ``v8_store(a, i, v)``: ``a[i:i+8] = v``;
- ``v8_store_strided(a, i, step, v)``: ``a[i + l*step] = v[l]`` for l in 0..7;
- ``v8_zero(a)``: zeros of ``a``'s dtype;
- ``v8_madd(acc, s, v)``: ``acc + s * v`` (``s`` a scalar of the vectors' dtype, multiply then add);
- ``v8_add(a, b)``: ``a + b``.

float64 sums of squares (monitor figures), lane-wise then ``v8_hsum``'s fixed tree:

- ``v8d_zero()``: 8 float64 zeros;
- ``v8_sq_acc(acc, a, i)``: ``acc + float64(a[i:i+8])**2``;
- ``v8_dsq_acc(acc, a, b, i)``: ``acc + (float64(a[i:i+8]) - float64(b[i:i+8]))**2``;
- ``v8_hsum(acc)``: ``((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))``.

No bounds checks: callers guarantee ``i + 7 < len(a)``.
"""
from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic, models, register_model

LANES = 8


class Vec8(types.Type):
    """numba type of an 8-lane vector of ``dtype`` (a float type)."""

    def __init__(self, dtype: types.Float) -> None:
        self.dtype = dtype
        super().__init__(name=f"Vec8({dtype})")


@register_model(Vec8)
class _Vec8Model(models.PrimitiveModel):
    def __init__(self, dmm, fe_type: Vec8) -> None:
        elem = dmm.lookup(fe_type.dtype).get_value_type()
        super().__init__(dmm, fe_type, ir.VectorType(elem, LANES))


def _is_float_vector_array(a) -> bool:
    return isinstance(a, types.Array) and a.ndim == 1 and isinstance(a.dtype, types.Float)


def _item_ptr(context, builder, aryty, ary, idx):
    """Pointer to ``ary[idx]`` (honours strides; no wraparound, no bounds check)."""
    arr = context.make_array(aryty)(context, builder, ary)
    return cgutils.get_item_pointer(context, builder, aryty, arr, [idx], wraparound=False)


def _lane(i: int) -> ir.Constant:
    return ir.Constant(ir.IntType(32), i)


def _load8(context, builder, aryty, ary, idx_val, idx_ty):
    """The 8 lanes ``ary[idx:idx+8]`` as an LLVM vector of the array's dtype."""
    idx = context.cast(builder, idx_val, idx_ty, types.intp)
    vty = ir.VectorType(context.get_value_type(aryty.dtype), LANES)
    if aryty.layout == "C":
        ptr = _item_ptr(context, builder, aryty, ary, idx)
        return builder.load(builder.bitcast(ptr, vty.as_pointer()), align=aryty.dtype.bitwidth // 8)
    vec = ir.Constant(vty, ir.Undefined)
    for lane in range(LANES):
        at = builder.add(idx, ir.Constant(idx.type, lane))
        val = builder.load(_item_ptr(context, builder, aryty, ary, at))
        vec = builder.insert_element(vec, val, _lane(lane))
    return vec


def _load8_f64(context, builder, aryty, ary, idx_val, idx_ty):
    """``_load8`` widened to float64 lanes (exact)."""
    vec = _load8(context, builder, aryty, ary, idx_val, idx_ty)
    if aryty.dtype.bitwidth == 64:
        return vec
    return builder.fpext(vec, ir.VectorType(ir.DoubleType(), LANES))


@intrinsic
def v8_load(typingctx, a, i):
    """Lanes ``a[i:i+8]`` as a Vec8 (one unaligned vector load for contiguous arrays)."""
    if not (_is_float_vector_array(a) and isinstance(i, types.Integer)):
        return None
    vt = Vec8(a.dtype)

    def codegen(context, builder, sig, args):
        return _load8(context, builder, sig.args[0], args[0], args[1], sig.args[1])

    return vt(a, i), codegen


@intrinsic
def v8_store(typingctx, a, i, v):
    """``a[i:i+8] = v``."""
    if not (_is_float_vector_array(a) and a.mutable and isinstance(i, types.Integer)
            and isinstance(v, Vec8) and v.dtype == a.dtype):
        return None
    align = a.dtype.bitwidth // 8

    def codegen(context, builder, sig, args):
        aryty = sig.args[0]
        idx = context.cast(builder, args[1], sig.args[1], types.intp)
        if aryty.layout == "C":
            ptr = _item_ptr(context, builder, aryty, args[0], idx)
            builder.store(args[2], builder.bitcast(ptr, args[2].type.as_pointer()), align=align)
        else:
            for lane in range(LANES):
                at = builder.add(idx, ir.Constant(idx.type, lane))
                builder.store(builder.extract_element(args[2], _lane(lane)),
                              _item_ptr(context, builder, aryty, args[0], at))
        return context.get_dummy_value()

    return types.none(a, i, v), codegen


@intrinsic
def v8_store_strided(typingctx, a, i, step, v):
    """``a[i + l * step] = v[l]`` for the 8 lanes l."""
    if not (_is_float_vector_array(a) and a.mutable and isinstance(i, types.Integer)
            and isinstance(step, types.Integer) and isinstance(v, Vec8) and v.dtype == a.dtype):
        return None

    def codegen(context, builder, sig, args):
        aryty = sig.args[0]
        idx = context.cast(builder, args[1], sig.args[1], types.intp)
        stp = context.cast(builder, args[2], sig.args[2], types.intp)
        for lane in range(LANES):
            at = builder.add(idx, builder.mul(stp, ir.Constant(stp.type, lane)))
            builder.store(builder.extract_element(args[3], _lane(lane)),
                          _item_ptr(context, builder, aryty, args[0], at))
        return context.get_dummy_value()

    return types.none(a, i, step, v), codegen


@intrinsic
def v8_zero(typingctx, a):
    """A Vec8 of zeros with ``a``'s dtype (``a``: a float array)."""
    if not _is_float_vector_array(a):
        return None
    vt = Vec8(a.dtype)

    def codegen(context, builder, sig, args):
        return ir.Constant(context.get_value_type(vt), None)

    return vt(a), codegen


@intrinsic
def v8_madd(typingctx, acc, s, v):
    """``acc + s * v`` lane-wise: a multiply, then an add (rounded twice, like the scalar code)."""
    if not (isinstance(acc, Vec8) and v == acc and s == acc.dtype):
        return None

    def codegen(context, builder, sig, args):
        vty = args[0].type
        one = builder.insert_element(ir.Constant(vty, ir.Undefined), args[1], _lane(0))
        mask = ir.Constant(ir.VectorType(ir.IntType(32), LANES), [0] * LANES)
        splat = builder.shuffle_vector(one, ir.Constant(vty, ir.Undefined), mask)
        return builder.fadd(args[0], builder.fmul(splat, args[2]))

    return acc(acc, s, v), codegen


@intrinsic
def v8_add(typingctx, a, b):
    """``a + b`` lane-wise."""
    if not (isinstance(a, Vec8) and a == b):
        return None

    def codegen(context, builder, sig, args):
        return builder.fadd(args[0], args[1])

    return a(a, b), codegen


@intrinsic
def zero_of(typingctx, a):
    """A scalar zero of ``a``'s dtype (keeps scalar accumulators in the arrays' precision)."""
    if not _is_float_vector_array(a):
        return None

    def codegen(context, builder, sig, args):
        return ir.Constant(context.get_value_type(a.dtype), 0.0)

    return a.dtype(a), codegen


@intrinsic
def v8d_zero(typingctx):
    """8 float64 zeros (an accumulator of v8_sq_acc / v8_dsq_acc)."""
    vt = Vec8(types.float64)

    def codegen(context, builder, sig, args):
        return ir.Constant(context.get_value_type(vt), None)

    return vt(), codegen


@intrinsic
def v8_sq_acc(typingctx, acc, a, i):
    """``acc + float64(a[i:i+8]) ** 2`` (the square of a float32 is exact in float64)."""
    if not (isinstance(acc, Vec8) and acc.dtype == types.float64 and _is_float_vector_array(a)
            and isinstance(i, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        v = _load8_f64(context, builder, sig.args[1], args[1], args[2], sig.args[2])
        return builder.fadd(args[0], builder.fmul(v, v))

    return acc(acc, a, i), codegen


@intrinsic
def v8_dsq_acc(typingctx, acc, a, b, i):
    """``acc + (float64(a[i:i+8]) - float64(b[i:i+8])) ** 2``."""
    if not (isinstance(acc, Vec8) and acc.dtype == types.float64 and _is_float_vector_array(a)
            and _is_float_vector_array(b) and isinstance(i, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        va = _load8_f64(context, builder, sig.args[1], args[1], args[3], sig.args[3])
        vb = _load8_f64(context, builder, sig.args[2], args[2], args[3], sig.args[3])
        d = builder.fsub(va, vb)
        return builder.fadd(args[0], builder.fmul(d, d))

    return acc(acc, a, b, i), codegen


@intrinsic
def v8_hsum(typingctx, acc):
    """``((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))`` of a float64 Vec8."""
    if not (isinstance(acc, Vec8) and acc.dtype == types.float64):
        return None

    def codegen(context, builder, sig, args):
        lane = [builder.extract_element(args[0], _lane(k)) for k in range(LANES)]
        pairs = [builder.fadd(lane[2 * k], lane[2 * k + 1]) for k in range(4)]
        return builder.fadd(builder.fadd(pairs[0], pairs[1]), builder.fadd(pairs[2], pairs[3]))

    return types.float64(acc), codegen
