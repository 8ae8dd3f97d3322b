// aotc: dropping the run-time checks that scalar evolution proves useless,
// between WAMR's code generation and LLVM's optimisation.
//
// Stop-flag polls. With polls on (aotc's default), WAMR's compiler emits on
// every branch back to a loop a volatile load of the exec env's suspend
// flags and an exit (WAMR patch 0073 tags that load `wamr.loop_poll`). LLVM
// can neither vectorise a loop with such an exit nor unroll it without
// copying the poll. A poll is needed only where a guest could otherwise run
// long without meeting one: the polls of a loop go when a constant bound is
// proven on the iterations of the loop and of every loop nested in it, and
// the product of those bounds is at most the limit. Loops with an unknown or
// large bound, the loops around them and the polls before and after calls
// (a stop inside a callee returns through them) keep theirs.
//
// Bounds checks. Every load and store compares its effective address with
// the memory's current size less the access size and traps above it (patch
// 0074 tags the compare `wamr.bound_check` with the access size). Linear
// memory never shrinks, so where the unsigned range of the address, as
// scalar evolution computes it, ends at least the access size below the
// memory's initial size, the compare is always false and goes. Any address
// it cannot bound (read from memory, a parameter, a loop it cannot count)
// keeps its check.

#include <cstdint>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Metadata.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/ValueHandle.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>

#include "aotc_llvm.h"

using namespace llvm;

namespace {

constexpr uint64_t UNBOUNDED = UINT64_MAX;

uint64_t saturating_mul(uint64_t a, uint64_t b) {
    if (a != 0 && b > UNBOUNDED / a) {
        return UNBOUNDED;
    }
    return a * b;
}

// The most iterations of L's innermost bodies per entry into L (UNBOUNDED
// if scalar evolution finds no constant bound for L or a loop inside it).
uint64_t nest_bound(Loop *loop, ScalarEvolution &se, DenseMap<Loop *, uint64_t> &memo) {
    auto it = memo.find(loop);
    if (it != memo.end()) {
        return it->second;
    }
    uint64_t trips = se.getSmallConstantMaxTripCount(loop); // 0: unknown
    uint64_t inner = 0;
    for (Loop *sub : loop->getSubLoops()) {
        uint64_t b = nest_bound(sub, se, memo);
        inner = b == UNBOUNDED || inner + b < inner ? UNBOUNDED : inner + b;
    }
    uint64_t bound = trips == 0 ? UNBOUNDED : saturating_mul(trips, inner == 0 ? 1 : inner);
    memo[loop] = bound;
    return bound;
}

// The conditional branch a poll's load decides (load -> and -> icmp -> br,
// in whatever form instcombine left it), or null.
BranchInst *poll_branch(LoadInst *load) {
    SmallVector<Instruction *, 8> work{load};
    for (unsigned steps = 0; !work.empty() && steps < 16; steps++) {
        Instruction *inst = work.pop_back_val();
        for (User *user : inst->users()) {
            if (auto *br = dyn_cast<BranchInst>(user)) {
                if (br->isConditional()) {
                    return br;
                }
            } else if (auto *next = dyn_cast<Instruction>(user)) {
                work.push_back(next);
            }
        }
    }
    return nullptr;
}

// The loops a poll guards. WAMR emits a back-edge poll as: the poll's
// branch, whose "no stop" side is a block ending in the wasm branch itself
// (br, br_if or br_table to the loop's header); the stop side returns. So
// the headers two steps from the poll, of loops that contain it, are the
// loops it guards (a br_if or br_table may name more than one: all count).
void polled_loops(LoadInst *load, BranchInst *br, LoopInfo &li, SmallPtrSetImpl<Loop *> &out) {
    BasicBlock *home = load->getParent();
    for (BasicBlock *side : successors(br)) {
        for (BasicBlock *target : successors(side)) {
            if (li.isLoopHeader(target) && li.getLoopFor(target)->contains(home)) {
                out.insert(li.getLoopFor(target));
            }
        }
    }
}

// A tagged bounds check, held across the preparing passes: they may rewrite
// the compare or the address in place or replace them with equal values,
// which the handles follow.
struct BoundCheck {
    WeakTrackingVH trap_if; // the compare: true when the access is outside
    WeakTrackingVH address; // its first operand as emitted: offset + address
    uint64_t bytes;
};

void prune_polls(Function &func, unsigned kind, uint64_t limit, LoopInfo &li,
    ScalarEvolution &se, aotc_prune_stats *stats) {
    DenseMap<Loop *, uint64_t> memo;
    SmallVector<LoadInst *, 16> drop;
    for (Instruction &inst : instructions(func)) {
        auto *load = dyn_cast<LoadInst>(&inst);
        if (load == nullptr || load->getMetadata(kind) == nullptr) {
            continue;
        }
        BranchInst *br = poll_branch(load);
        SmallPtrSet<Loop *, 4> loops;
        if (br != nullptr) {
            polled_loops(load, br, li, loops);
        }
        bool bounded = limit > 0 && !loops.empty();
        for (Loop *loop : loops) {
            bounded = bounded && nest_bound(loop, se, memo) <= limit;
        }
        if (bounded) {
            drop.push_back(load);
        } else {
            // Untagged from here on: later passes may copy it freely.
            load->setMetadata(kind, nullptr);
            stats->polls_kept++;
        }
    }
    for (LoadInst *load : drop) {
        // The flags read as "no stop": the test and its exit fold away.
        load->replaceAllUsesWith(Constant::getNullValue(load->getType()));
        load->eraseFromParent();
        stats->polls_dropped++;
    }
}

void prune_bound_checks(SmallVectorImpl<BoundCheck> &checks, uint64_t min_memory_bytes,
    ScalarEvolution &se, aotc_prune_stats *stats) {
    for (BoundCheck &check : checks) {
        auto *trap_if = dyn_cast_or_null<Instruction>(check.trap_if);
        Value *address = check.address;
        bool inside = false;
        if (trap_if != nullptr && address != nullptr && trap_if->getType()->isIntegerTy(1)
            && address->getType()->isIntegerTy() && min_memory_bytes > 0) {
            APInt max = se.getUnsignedRange(se.getSCEV(address)).getUnsignedMax();
            inside = max.getActiveBits() <= 40
                && max.getZExtValue() + check.bytes <= min_memory_bytes;
        }
        if (inside) {
            trap_if->replaceAllUsesWith(ConstantInt::getFalse(trap_if->getContext()));
            if (trap_if->use_empty()) {
                trap_if->eraseFromParent();
            }
            stats->checks_dropped++;
        } else {
            stats->checks_kept++;
        }
    }
}

} // namespace

extern "C" int aotc_llvm_prune(LLVMModuleRef module_ref, uint64_t poll_limit,
    uint64_t min_memory_bytes, aotc_prune_stats *stats) {
    Module &module = *unwrap(module_ref);
    LLVMContext &context = module.getContext();
    unsigned poll_kind = context.getMDKindID("wamr.loop_poll");
    unsigned check_kind = context.getMDKindID("wamr.bound_check");
    *stats = aotc_prune_stats();

    PassBuilder pb;
    LoopAnalysisManager lam;
    FunctionAnalysisManager fam;
    CGSCCAnalysisManager cgam;
    ModuleAnalysisManager mam;
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);

    // Scalar evolution needs SSA values (WAMR keeps wasm locals in allocas)
    // and compares it can read (br_if tests an i32 made from an i1). None of
    // these passes changes the control flow; the full pipeline runs later.
    FunctionPassManager prepare;
    prepare.addPass(SROAPass(SROAOptions::PreserveCFG));
    prepare.addPass(EarlyCSEPass());
    prepare.addPass(InstCombinePass());

    for (Function &func : module) {
        if (func.isDeclaration()) {
            continue;
        }
        bool has_polls = false;
        SmallVector<BoundCheck, 32> checks;
        for (Instruction &inst : instructions(func)) {
            if (isa<LoadInst>(inst) && inst.getMetadata(poll_kind) != nullptr) {
                has_polls = true;
            }
            MDNode *md = inst.getMetadata(check_kind);
            auto *cmp = dyn_cast<ICmpInst>(&inst);
            if (md != nullptr && cmp != nullptr && md->getNumOperands() == 1
                && cmp->getPredicate() == CmpInst::ICMP_UGT) {
                if (auto *bytes = mdconst::dyn_extract<ConstantInt>(md->getOperand(0))) {
                    checks.push_back({WeakTrackingVH(cmp), WeakTrackingVH(cmp->getOperand(0)),
                                      bytes->getZExtValue()});
                }
            }
            if (md != nullptr) {
                // Read once, here: later passes may copy the compare freely.
                inst.setMetadata(check_kind, nullptr);
            }
        }
        if (!has_polls && checks.empty()) {
            continue;
        }
        prepare.run(func, fam);
        fam.invalidate(func, PreservedAnalyses::none());
        if (!checks.empty()) {
            ScalarEvolution &se = fam.getResult<ScalarEvolutionAnalysis>(func);
            prune_bound_checks(checks, min_memory_bytes, se, stats);
            // Only compares changed: the loops and the addresses stand.
            fam.invalidate(func, PreservedAnalyses::none());
        }
        if (has_polls) {
            LoopInfo &li = fam.getResult<LoopAnalysis>(func);
            ScalarEvolution &se = fam.getResult<ScalarEvolutionAnalysis>(func);
            prune_polls(func, poll_kind, poll_limit, li, se, stats);
            fam.invalidate(func, PreservedAnalyses::none());
        }
    }
    return 0;
}
