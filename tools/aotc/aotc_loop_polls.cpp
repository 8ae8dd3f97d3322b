// aotc: dropping the stop-flag polls of loops that are proven short.
//
// With polls on (aotc's default), WAMR's compiler emits on every branch back
// to a loop a volatile load of the exec env's suspend flags and an exit (WAMR
// patch 0073 tags that load with `wamr.loop_poll`). LLVM can neither
// vectorise a loop with such an exit nor unroll it without copying the poll,
// so a tight loop of a few instructions pays for its poll several times over.
//
// A poll is needed only where a guest could otherwise run without meeting
// one for long. This pass, run between code generation and optimisation,
// drops the polls of a loop when LLVM's scalar evolution proves a constant
// bound on the iterations of the loop and of every loop nested in it, and
// the product of those bounds is at most `limit`: such a nest always ends
// within `limit` iterations of its innermost body. Everything else keeps its
// polls: loops with an unknown or large bound, the loops around them, and the
// polls before and after calls (a stop inside a callee still returns through
// them).

#include <cstdint>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
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

} // namespace

extern "C" int aotc_llvm_drop_loop_polls(LLVMModuleRef module_ref, uint64_t limit,
    unsigned long *dropped, unsigned long *kept) {
    Module &module = *unwrap(module_ref);
    unsigned kind = module.getContext().getMDKindID("wamr.loop_poll");
    *dropped = 0;
    *kept = 0;

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
        for (Instruction &inst : instructions(func)) {
            if (isa<LoadInst>(inst) && inst.getMetadata(kind) != nullptr) {
                has_polls = true;
                break;
            }
        }
        if (!has_polls) {
            continue;
        }
        prepare.run(func, fam);
        fam.invalidate(func, PreservedAnalyses::none());
        LoopInfo &li = fam.getResult<LoopAnalysis>(func);
        ScalarEvolution &se = fam.getResult<ScalarEvolutionAnalysis>(func);

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
            bool bounded = !loops.empty();
            for (Loop *loop : loops) {
                bounded = bounded && nest_bound(loop, se, memo) <= limit;
            }
            if (bounded) {
                drop.push_back(load);
            } else {
                // Untagged from here on: later passes may copy it freely.
                load->setMetadata(kind, nullptr);
                ++*kept;
            }
        }
        for (LoadInst *load : drop) {
            // The flags read as "no stop": the test and its exit fold away.
            load->replaceAllUsesWith(Constant::getNullValue(load->getType()));
            load->eraseFromParent();
            ++*dropped;
        }
        fam.invalidate(func, PreservedAnalyses::none());
    }
    return 0;
}
