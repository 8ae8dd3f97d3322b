// aotc: floating-point compares that LLVM's optimiser creates, moved into
// WAMR's runtime intrinsics for XIP files.
//
// In XIP mode WAMR calls the runtime (aot_intrinsic_f64_cmp, ...) for every
// wasm f32/f64 compare the target has no instructions for, so the code needs
// no relocation. But LLVM's InstCombine also *creates* compares: C code such
// as musl's log() tests the bits of a double, `asuint64(x) == asuint64(1.0)`,
// which arrives as i64.reinterpret_f64 + i64.eq and is folded into
// `fcmp oeq double %x, 1.0`. On a CPU without double-precision hardware that
// compare becomes a call to a compiler helper (__aeabi_dcmpeq, __eqdf2): a
// text relocation, which XIP cannot have. So after optimisation every scalar
// fcmp on a type whose compares go through the runtime (the f32_cmp/f64_cmp
// intrinsic capabilities of the target) is replaced by the same indirect
// call through the exec env's native-symbol table that WAMR emits for wasm
// compares, before the object code is generated.
//
// Kept apart from aotc.c because WAMR's internal headers and the public
// aot_export.h declare the compiler's functions differently.

#include "aot_llvm.h"
#include "../aot/aot_intrinsic.h"

#include "aotc_xip_fcmp.h"

// WAMR's runtime compare: int32 aot_intrinsic_f64_cmp(AOTFloatCond, a, b).
typedef struct {
    AOTFloatCond cond;
    bool negate; // the predicate is the negation of `cond`
    bool or_uno; // ... or either operand is NaN
    bool and_ord; // ... and neither operand is NaN
} runtime_cond_t;

// LLVM's 14 non-constant predicates in terms of the runtime's 7 (C
// semantics: ordered, except NE which is "unordered or not equal").
static bool map_predicate(LLVMRealPredicate pred, runtime_cond_t *out) {
    runtime_cond_t c = { FLOAT_EQ, false, false, false };
    switch (pred) {
        case LLVMRealOEQ: c.cond = FLOAT_EQ; break;
        case LLVMRealOGT: c.cond = FLOAT_GT; break;
        case LLVMRealOGE: c.cond = FLOAT_GE; break;
        case LLVMRealOLT: c.cond = FLOAT_LT; break;
        case LLVMRealOLE: c.cond = FLOAT_LE; break;
        case LLVMRealONE: c.cond = FLOAT_NE; c.and_ord = true; break;
        case LLVMRealORD: c.cond = FLOAT_UNO; c.negate = true; break;
        case LLVMRealUNO: c.cond = FLOAT_UNO; break;
        case LLVMRealUEQ: c.cond = FLOAT_EQ; c.or_uno = true; break;
        case LLVMRealUGT: c.cond = FLOAT_LE; c.negate = true; break;
        case LLVMRealUGE: c.cond = FLOAT_LT; c.negate = true; break;
        case LLVMRealULT: c.cond = FLOAT_GE; c.negate = true; break;
        case LLVMRealULE: c.cond = FLOAT_GT; c.negate = true; break;
        case LLVMRealUNE: c.cond = FLOAT_NE; break;
        default: return false; // true/false: nothing to call
    }
    *out = c;
    return true;
}

typedef struct {
    AOTCompContext *comp_ctx;
    LLVMBuilderRef builder;
    LLVMTypeRef i32, i1, ptr;
} rewriter_t;

// native_symbol[index], as aot_llvm.c's create_native_symbol and
// aot_get_func_from_table load it, from the function's exec env.
static LLVMValueRef runtime_function(rewriter_t *rw, LLVMValueRef exec_env, int32 index) {
    LLVMValueRef eight = LLVMConstInt(rw->i32, 8, false);
    LLVMValueRef slot = LLVMBuildInBoundsGEP2(rw->builder, rw->ptr, exec_env, &eight, 1, "xip_native_symbol_addr");
    LLVMValueRef table = LLVMBuildLoad2(rw->builder, rw->ptr, slot, "xip_native_symbol");
    LLVMValueRef idx = LLVMConstInt(rw->i32, (unsigned long long)index, false);
    LLVMValueRef fn_addr = LLVMBuildInBoundsGEP2(rw->builder, rw->ptr, table, &idx, 1, "xip_func_addr");
    return LLVMBuildLoad2(rw->builder, rw->ptr, fn_addr, "xip_func");
}

static LLVMValueRef call_cmp(rewriter_t *rw, LLVMValueRef exec_env, int32 index, LLVMTypeRef fp_type,
    AOTFloatCond cond, LLVMValueRef a, LLVMValueRef b) {
    LLVMTypeRef params[3] = { rw->i32, fp_type, fp_type };
    LLVMTypeRef fn_type = LLVMFunctionType(rw->i32, params, 3, false);
    LLVMValueRef args[3] = { LLVMConstInt(rw->i32, (unsigned long long)cond, false), a, b };
    LLVMValueRef fn = runtime_function(rw, exec_env, index);
    LLVMValueRef res = LLVMBuildCall2(rw->builder, fn_type, fn, args, 3, "xip_fcmp");
    return LLVMBuildICmp(rw->builder, LLVMIntNE, res, LLVMConstInt(rw->i32, 0, false), "xip_fcmp_bool");
}

static bool rewrite(rewriter_t *rw, LLVMValueRef inst, LLVMValueRef exec_env, int32 index) {
    runtime_cond_t c;
    if (!map_predicate(LLVMGetFCmpPredicate(inst), &c)) {
        return false;
    }
    LLVMValueRef a = LLVMGetOperand(inst, 0), b = LLVMGetOperand(inst, 1);
    LLVMTypeRef fp_type = LLVMTypeOf(a);
    LLVMPositionBuilderBefore(rw->builder, inst);
    LLVMValueRef res = call_cmp(rw, exec_env, index, fp_type, c.cond, a, b);
    if (c.negate) {
        res = LLVMBuildNot(rw->builder, res, "xip_fcmp_not");
    }
    if (c.or_uno || c.and_ord) {
        LLVMValueRef uno = call_cmp(rw, exec_env, index, fp_type, FLOAT_UNO, a, b);
        res = c.or_uno ? LLVMBuildOr(rw->builder, res, uno, "xip_fcmp_or_uno")
            : LLVMBuildAnd(rw->builder, res, LLVMBuildNot(rw->builder, uno, "xip_ord"), "xip_fcmp_and_ord");
    }
    LLVMReplaceAllUsesWith(inst, res);
    LLVMInstructionEraseFromParent(inst);
    return true;
}

// The wasm functions WAMR generated take the exec env first.
static LLVMValueRef exec_env_of(LLVMValueRef func) {
    size_t len;
    const char *name = LLVMGetValueName2(func, &len);
    if (LLVMIsDeclaration(func) || LLVMCountParams(func) == 0 || strncmp(name, "aot_func", 8) != 0) {
        return NULL;
    }
    LLVMValueRef env = LLVMGetParam(func, 0);
    return LLVMGetTypeKind(LLVMTypeOf(env)) == LLVMPointerTypeKind ? env : NULL;
}

long aotc_xip_lower_fcmp(struct AOTCompContext *comp_ctx) {
    bool f32 = aot_intrinsic_check_capability(comp_ctx, "f32_cmp");
    bool f64 = aot_intrinsic_check_capability(comp_ctx, "f64_cmp");
    if (!f32 && !f64) {
        return 0;
    }
    rewriter_t rw = { comp_ctx, LLVMCreateBuilderInContext(comp_ctx->context), NULL, NULL, NULL };
    rw.i32 = LLVMInt32TypeInContext(comp_ctx->context);
    rw.i1 = LLVMInt1TypeInContext(comp_ctx->context);
    rw.ptr = LLVMPointerTypeInContext(comp_ctx->context, 0);
    int32 index_f32 = -1, index_f64 = -1;
    long rewritten = 0;
    for (LLVMValueRef func = LLVMGetFirstFunction(comp_ctx->module); func; func = LLVMGetNextFunction(func)) {
        LLVMValueRef exec_env = exec_env_of(func);
        if (exec_env == NULL) {
            continue;
        }
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(func); bb; bb = LLVMGetNextBasicBlock(bb)) {
            LLVMValueRef inst = LLVMGetFirstInstruction(bb);
            while (inst) {
                LLVMValueRef next = LLVMGetNextInstruction(inst);
                if (LLVMGetInstructionOpcode(inst) == LLVMFCmp) {
                    LLVMTypeKind kind = LLVMGetTypeKind(LLVMTypeOf(LLVMGetOperand(inst, 0)));
                    bool is_f64 = kind == LLVMDoubleTypeKind, is_f32 = kind == LLVMFloatTypeKind;
                    if ((is_f64 && f64) || (is_f32 && f32)) {
                        int32 *index = is_f64 ? &index_f64 : &index_f32;
                        if (*index < 0) {
                            *index = aot_get_native_symbol_index(comp_ctx,
                                is_f64 ? "aot_intrinsic_f64_cmp" : "aot_intrinsic_f32_cmp");
                        }
                        if (*index < 0) {
                            LLVMDisposeBuilder(rw.builder);
                            return -1;
                        }
                        rewritten += rewrite(&rw, inst, exec_env, *index);
                    }
                }
                inst = next;
            }
        }
    }
    LLVMDisposeBuilder(rw.builder);
    return rewritten;
}
