import * as tf from '@tensorflow/tfjs';
import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import type { Genotype } from '../../../../src-shared/model/genotype';
import type { Rng } from '../../../../src-shared/model/rng';
import {
  dartsNodeEdges,
  edgeEnds,
  ptGenotype,
  ptPhaseSteps,
  ptPlan,
  selectInputs,
  selectOp,
  type PtDecision,
  type PtPlan,
  type PtSelectionArtifact,
} from '../../../../src-shared/model/pt-selection';
import type { Batch as DataBatch } from '../../data/batches';
import { scoreBatches } from '../../evaluate/classification';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { cosineLearningRate } from '../../optim/optimizers';
import { alphaValues } from '../../supernet/arch-params';
import type { CellWeights, Supernet } from '../../supernet/types';
import type { Reporter, StepResult } from '../strategy';
import type { DartsData } from './data';
import { WeightTrainer } from './weight-trainer';

/** Each cell type's mixing weights [edges][ops] as plain numbers. */
export type MixRows = Record<string, number[][]>;

/** softmax(α) of every cell type, row by row: the mixing weights of DARTS's relaxation. */
export function softmaxRows(net: Supernet): MixRows {
  const out: MixRows = {};
  for (const [kind, rows] of Object.entries(alphaValues(net))) {
    out[kind] = rows.map((row) => {
      const max = Math.max(...row);
      const e = row.map((a) => Math.exp(a - max));
      const sum = e.reduce((s, v) => s + v, 0);
      return e.map((v) => v / sum);
    });
  }
  return out;
}

export interface ProjectionOptions {
  net: Supernet;
  data: Pick<DartsData, 'train' | 'validation' | 'stepsPerEpoch'>;
  config: Pick<OneShotCommon, 'learningRate' | 'learningRateMin' | 'momentum' | 'weightDecay' | 'gradClip' | 'validBatches'> & {
    projectionInterval: number;
    projectionCriterion: 'acc' | 'loss';
  };
  /** The mixing weights of the undecided edges, read afresh at each use (softmax(α), DrNAS's Dirichlet mean). */
  mix: () => MixRows;
  reporter: Reporter;
  /** Draws the order the edges and nodes are decided in. */
  rng: Rng;
  /** Step and epoch numbers of the reports continue after the search's. */
  stepOffset: number;
  epochOffset: number;
}

/**
 * DARTS-PT's projection phase on a trained supernet (ruocwang/darts-pt `pt_project`): one decision
 * round per step (each cell type's next edge: its op; after every edge, each node's two inputs),
 * then `projectionInterval` epochs of fine-tuning of the weights under the projected edges (SGD
 * with fresh momentum at a tenth of the learning rate, cosine to `learningRateMin` over the whole
 * phase, as `model.reset_optimizer(lr / 10)`), until the last round. A decided edge mixes with its
 * kept op's one-hot row, a removed input edge with a zero row, the others with `mix()`.
 * Reports per round `pt.valid.acc|loss` (nothing removed) and the `pt.selection` artifact with every
 * decision so far; per fine-tuning step `pt.tune.loss|acc` and `pt.lr`.
 */
export class Projection {
  readonly totalSteps: number;
  private readonly plan: PtPlan;
  private readonly tuneSteps: number;
  private readonly tuner: WeightTrainer;
  private readonly space: 'darts' | 'nb201';
  private decisions: PtDecision[] = [];
  private position = 0;

  constructor(private readonly o: ProjectionOptions) {
    const { net } = o;
    this.space = net.space.kind;
    const nodes = net.space.kind === 'darts' ? net.space.nodes : 3;
    this.plan = ptPlan(this.space, nodes, net.arch[0].edgeOps.length, o.rng);
    this.tuneSteps = o.config.projectionInterval * o.data.stepsPerEpoch;
    this.totalSteps = ptPhaseSteps(this.plan.rounds, this.tuneSteps);
    this.tuner = new WeightTrainer(net, o.config);
  }

  get done(): boolean {
    return this.position >= this.totalSteps;
  }

  /** The selected cell once every round is decided, else null. */
  genotype(): Genotype | null {
    const rounds = new Set(this.decisions.map((d) => d.round)).size;
    return rounds < this.plan.rounds ? null : ptGenotype(this.space, this.nodes(), this.decisions);
  }

  async step(): Promise<StepResult> {
    if (this.done) return { done: true };
    const period = this.tuneSteps + 1;
    const round = Math.floor(this.position / period);
    const within = this.position % period;
    this.position++;
    const at = { step: this.o.stepOffset + this.position, epoch: this.o.epochOffset + (this.position - 1 - round) / Math.max(1, this.o.data.stepsPerEpoch) };
    if (within === 0) {
      await this.decide(round, at);
      return { done: this.done, epochEnd: true };
    }
    this.tune(round * this.tuneSteps + within - 1, at);
    return { done: this.done };
  }

  saveState(out: StateWriter): void {
    out.json('position', this.position);
    out.json('decisions', this.decisions);
    this.tuner.saveState(out.scope('sgd'));
  }

  loadState(from: StateReader): void {
    this.position = from.json<number>('position');
    this.decisions = from.json<PtDecision[]>('decisions');
    this.tuner.loadState(from.scope('sgd'));
  }

  dispose(): void {
    this.tuner.dispose();
  }

  /** The mixing rows the network runs under now: decided edges one-hot, removed inputs zero, the rest `mix()`. */
  projectedRows(): MixRows {
    const rows = this.o.mix();
    for (const d of this.decisions) {
      const cell = rows[d.cell];
      if (d.kind === 'op') cell[d.edge] = d.ops.map((_, k) => (k === d.chosen ? 1 : 0));
      else d.edges.forEach((edge, i) => {
        if (!d.kept.includes(d.inputs[i])) cell[edge] = cell[edge].map(() => 0);
      });
    }
    return rows;
  }

  private nodes(): number {
    return this.o.net.space.kind === 'darts' ? this.o.net.space.nodes : 3;
  }

  /** Score of the network under `rows` on the first `validBatches` batches of the validation split (higher is better). */
  private async score(rows: MixRows): Promise<{ acc: number; loss: number; score: number }> {
    const weights = cellWeights(rows);
    try {
      const { acc, loss } = await scoreBatches((x) => this.o.net.forward(x, weights), take(this.o.data.validation(), this.o.config.validBatches));
      return { acc, loss, score: this.o.config.projectionCriterion === 'acc' ? acc : -loss };
    } finally {
      for (const w of Object.values(weights)) w?.weights.dispose();
    }
  }

  private async decide(round: number, at: { step: number; epoch: number }): Promise<void> {
    const { reporter } = this.o;
    const opRounds = this.o.net.arch[0].edgeOps.length;
    const points = [];
    for (const cell of this.plan.cells) {
      const arch = this.o.net.arch.find((a) => a.kind === cell);
      if (!arch) throw new Error(`the supernet has no '${cell}' cell`);
      const rows = this.projectedRows();
      const base = await this.score(rows);
      points.push({ ...at, key: `pt.valid.acc.${cell}`, value: base.acc }, { ...at, key: `pt.valid.loss.${cell}`, value: base.loss });
      if (round < opRounds) {
        const edge = this.plan.edgeOrder[cell][round];
        const ops = [...arch.edgeOps[edge]];
        const without = async (k: number) => {
          const masked = this.projectedRows();
          masked[cell][edge] = masked[cell][edge].map((w, j) => (j === k ? 0 : w));
          return (await this.score(masked)).score;
        };
        // A DARTS cell never keeps `none` (DARTS's parse skips it); NAS-Bench-201's may.
        const { scores, chosen } = await selectOp(ops, without, (op) => this.space === 'nb201' || op !== 'none');
        this.decisions.push({ kind: 'op', round, cell, edge, ...edgeEnds(this.space, this.nodes(), edge), base: base.score, ops, scores, chosen });
        reporter.log('info', `PT round ${round + 1}: ${cell} edge ${edge} keeps ${ops[chosen]} (${fmt(base.score)} with every op; without each: ${scores.map((s, k) => `${ops[k]} ${s === null ? '-' : fmt(s)}`).join(', ')})`);
      } else {
        const node = this.plan.nodeOrder[cell][round - opRounds];
        const { inputs, edges } = dartsNodeEdges(this.nodes())[node];
        const without = async (i: number) => {
          const masked = this.projectedRows();
          masked[cell][edges[i]] = masked[cell][edges[i]].map(() => 0);
          return (await this.score(masked)).score;
        };
        const { scores, kept } = await selectInputs(inputs, without);
        this.decisions.push({ kind: 'topology', round, cell, node, inputs, edges, base: base.score, scores, kept });
        reporter.log('info', `PT round ${round + 1}: ${cell} node ${node} keeps inputs ${kept.join(', ')} (without each: ${scores.map((s, i) => `${inputs[i]} ${fmt(s)}`).join(', ')})`);
      }
    }
    reporter.metrics(points);
    const genotype = this.genotype();
    const artifact: PtSelectionArtifact = { space: this.space, criterion: this.o.config.projectionCriterion, decisions: this.decisions, done: genotype !== null };
    reporter.artifact('pt.selection', at.step, artifact);
    if (genotype) reporter.genotype(genotype, { step: at.step, epoch: Math.ceil(at.epoch), final: true });
  }

  /** One fine-tuning step (the `index`-th of the phase) of the weights under the projected edges. */
  private tune(index: number, at: { step: number; epoch: number }): void {
    const { config, data, reporter } = this.o;
    const perEpoch = data.stepsPerEpoch;
    const epochs = Math.max(1, (this.plan.rounds - 1) * config.projectionInterval);
    const lr = cosineLearningRate(Math.floor(index / perEpoch), epochs, config.learningRate / 10, config.learningRateMin);
    const rows = this.projectedRows();
    const batch = data.train.next();
    try {
      const result = this.tuner.step(batch, () => cellWeights(rows), lr);
      reporter.metrics([
        { ...at, key: 'pt.tune.loss', value: result.loss },
        { ...at, key: 'pt.tune.acc', value: result.acc },
        { ...at, key: 'pt.lr', value: lr },
      ]);
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
}

function cellWeights(rows: MixRows): CellWeights {
  const out: CellWeights = {};
  for (const [kind, r] of Object.entries(rows)) out[kind as 'normal' | 'reduce'] = { weights: tf.tensor2d(r) };
  return out;
}

function* take(batches: Iterable<DataBatch>, n: number): Generator<DataBatch> {
  let taken = 0;
  for (const batch of batches) {
    yield batch;
    if (++taken >= n) return;
  }
}

const fmt = (x: number) => x.toFixed(4);
