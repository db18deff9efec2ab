import type { ChocolateType } from "../model";
import type { FaultName } from "./server";

/** Target chocolate temperature per type (middle of domain.md's target band), °C. */
const TARGET_C: Record<ChocolateType, number> = { dark: 47.5, milk: 44, white: 41.5 };

/*
 * Lumped thermal model: a heater plate (small heat capacity) under a basin of chocolate (large heat
 * capacity) that loses heat to the room, mostly through the falling curtain. The constants put the
 * plate near 60 °C at steady state and make a failed heater bring dark chocolate below 40 °C in a
 * couple of minutes, which is what organisers describe.
 */
const HEATER_CAPACITY_J_PER_K = 800;
const CHOCOLATE_CAPACITY_J_PER_K = 5_000;
const PLATE_TO_CHOCOLATE_W_PER_K = 25;
const CHOCOLATE_TO_ROOM_W_PER_K = 12;
const CHOCOLATE_TO_ROOM_STOPPED_W_PER_K = 5;
const HEATER_MAX_W = 1_000;
const NOMINAL_FLOW_L_PER_MIN = 2.4;
const MAX_EULER_STEP_S = 1;

/** Seeded pseudo-random generator (mulberry32) so runs can be replayed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal sample (Box–Muller) from a uniform generator. */
function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** What the sensors of a fountain read after a model step. */
export interface FountainMeasurements {
  basinC: number;
  towerC: number;
  heaterC: number;
  flowLitresPerMinute: number;
  heaterPowerW: number;
  motorRunning: boolean;
}

/** Physical state and controller of one fountain. */
export class FountainThermalModel {
  readonly targetC: number;
  fault: FaultName = "none";
  private chocolateC: number;
  private plateC: number;
  private curtainC: number;
  private powerW: number;
  private flow: number;
  private stuckBasinC: number | undefined;

  constructor(
    chocolate: ChocolateType,
    private readonly ambientC: number,
    private readonly random: () => number,
  ) {
    // Spread fountains a little so a room of them does not draw one identical curve.
    this.targetC = TARGET_C[chocolate] + (random() - 0.5);
    this.powerW = CHOCOLATE_TO_ROOM_W_PER_K * (this.targetC - ambientC);
    this.chocolateC = this.targetC;
    this.plateC = this.targetC + this.powerW / PLATE_TO_CHOCOLATE_W_PER_K;
    this.curtainC = this.targetC - 1.5;
    this.flow = NOMINAL_FLOW_L_PER_MIN;
  }

  /** Puts the fountain into a fault scenario ("none" repairs it). */
  setFault(fault: FaultName): void {
    this.stuckBasinC = fault === "stuckSensor" ? this.chocolateC : undefined;
    this.fault = fault;
  }

  /** Advances the model by `seconds` of model time. */
  step(seconds: number): void {
    let remaining = seconds;
    while (remaining > 0) {
      const dt = Math.min(remaining, MAX_EULER_STEP_S);
      this.eulerStep(dt);
      remaining -= dt;
    }
  }

  /** Sensor readings with measurement noise. */
  measure(): FountainMeasurements {
    const noise = (sigma: number) => sigma * gaussian(this.random);
    const motorRunning = this.fault !== "flowStop";
    return {
      basinC: this.stuckBasinC ?? round(this.chocolateC + noise(0.05), 3),
      towerC: round(this.curtainC + noise(0.08), 3),
      heaterC: round(this.plateC + noise(0.1), 3),
      flowLitresPerMinute: round(Math.max(0, this.flow + (motorRunning ? noise(0.03) : 0)), 3),
      heaterPowerW: round(this.powerW, 1),
      motorRunning,
    };
  }

  private eulerStep(dt: number): void {
    this.powerW = this.controllerPower();
    const running = this.fault !== "flowStop";
    const roomLoss =
      (running ? CHOCOLATE_TO_ROOM_W_PER_K : CHOCOLATE_TO_ROOM_STOPPED_W_PER_K) * (this.chocolateC - this.ambientC);
    const plateToChocolate = PLATE_TO_CHOCOLATE_W_PER_K * (this.plateC - this.chocolateC);
    this.plateC += ((this.powerW - plateToChocolate) / HEATER_CAPACITY_J_PER_K) * dt;
    this.chocolateC += ((plateToChocolate - roomLoss) / CHOCOLATE_CAPACITY_J_PER_K) * dt;
    // The curtain follows the basin a little cooler while flowing; once stopped the tower drains and cools.
    const curtainTarget = running ? this.chocolateC - 1.5 : this.ambientC;
    const curtainTau = running ? 10 : 240;
    this.curtainC += (curtainTarget - this.curtainC) * Math.min(1, dt / curtainTau);
    // The auger stops within a second; restarting takes a few seconds to fill the tower again.
    const flowTarget = running ? NOMINAL_FLOW_L_PER_MIN : 0;
    const flowTau = running ? 3 : 0.1;
    this.flow += (flowTarget - this.flow) * Math.min(1, dt / flowTau);
  }

  /** Proportional thermostat around the holding power, or the fault's behaviour. */
  private controllerPower(): number {
    if (this.fault === "heaterFailure") return 0;
    if (this.fault === "overheating") return HEATER_MAX_W;
    const holding = CHOCOLATE_TO_ROOM_W_PER_K * (this.targetC - this.ambientC);
    const proportional = 400 * (this.targetC - this.chocolateC);
    return Math.min(HEATER_MAX_W, Math.max(0, holding + proportional));
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
