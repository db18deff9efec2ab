import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import {
  AttributeIds,
  ClientSession,
  DataType,
  OPCUAClient,
  StatusCodes,
  type EUInformation,
  type Range,
} from "node-opcua";
import { simulatorNodeId } from "../../../telemetry/simulator/node-ids";
import { SimulatorPortInUseError, startSimulator, type Simulator } from "../../../telemetry/simulator/server";
import { createRandom, FountainThermalModel } from "../../../telemetry/simulator/thermal-model";

const PKI = path.join(os.tmpdir(), "fontaine-test-pki", "simulator");

describe("telemetry simulator", () => {
  describe("thermal model", () => {
    it("should hold a healthy fountain inside its target band with the plate near 60 °C", () => {
      const model = new FountainThermalModel("dark", 21, createRandom(7));
      model.step(1_800);
      const m = model.measure();
      expect(m.basinC).to.be.within(45, 50);
      expect(m.towerC).to.be.below(m.basinC);
      expect(m.heaterC).to.be.within(55, 66);
      expect(m.flowLitresPerMinute).to.be.above(2);
    });

    it("should cool slowly after a heater failure and fall below the low alarm within minutes", () => {
      const model = new FountainThermalModel("dark", 21, createRandom(7));
      model.setFault("heaterFailure");
      model.step(30);
      expect(model.measure().basinC).to.be.above(45);
      model.step(300);
      expect(model.measure().basinC).to.be.below(40);
      expect(model.measure().heaterPowerW).to.equal(0);
    });

    it("should overheat past the scorch limit when the thermostat sticks on", () => {
      const model = new FountainThermalModel("milk", 21, createRandom(7));
      model.setFault("overheating");
      model.step(180);
      expect(model.measure().basinC).to.be.above(50);
    });

    it("should stop the flow within a second and keep a stuck sensor frozen", () => {
      const model = new FountainThermalModel("white", 21, createRandom(7));
      model.setFault("flowStop");
      model.step(1);
      expect(model.measure().flowLitresPerMinute).to.be.below(0.05);
      expect(model.measure().motorRunning).to.equal(false);
      model.setFault("stuckSensor");
      const frozen = model.measure().basinC;
      model.step(600);
      expect(model.measure().basinC).to.equal(frozen);
    });

    it("should be reproducible with the same seed and differ with another", () => {
      const a = new FountainThermalModel("dark", 21, createRandom(3));
      const b = new FountainThermalModel("dark", 21, createRandom(3));
      const c = new FountainThermalModel("dark", 21, createRandom(4));
      expect(a.measure()).to.deep.equal(b.measure());
      expect(a.targetC).to.not.equal(c.targetC);
    });
  });

  describe("OPC UA server", () => {
    let simulator: Simulator;
    let client: OPCUAClient;
    let session: ClientSession;

    before(async () => {
      simulator = await startSimulator({
        port: 0,
        fountains: 3,
        organisations: 2,
        updateIntervalMs: 100,
        pkiFolder: PKI,
        seed: 11,
      });
      client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 2, initialDelay: 100 } });
      await client.connect(simulator.endpointUrl);
      session = await client.createSession();
    });

    after(async () => {
      await session?.close().catch(() => undefined);
      await client?.disconnect();
      await simulator?.stop();
    });

    const read = (nodeId: string, attributeId = AttributeIds.Value) => session.read({ nodeId, attributeId });

    it("should expose Objects/Fountains/<id> with the documented node ids", async () => {
      const browse = await session.browse("ns=1;s=Fountains");
      const names = browse.references?.map((r) => r.browseName.name);
      expect(names).to.include.members(["F0001", "F0002", "F0003", "RestartServer"]);
      const fountain = await session.browse("ns=1;s=Fountains.F0001");
      expect(fountain.references?.map((r) => r.nodeId.toString())).to.include.members([
        simulatorNodeId("F0001", "BasinTemperature"),
        simulatorNodeId("F0001", "TowerTemperature"),
        simulatorNodeId("F0001", "ChocolateFlow"),
        simulatorNodeId("F0001", "HeaterPower"),
        simulatorNodeId("F0001", "MotorRunning"),
        simulatorNodeId("F0001", "ChocolateType"),
        simulatorNodeId("F0001", "Nameplate"),
      ]);
      expect((await read(simulatorNodeId("F0002", "Nameplate.Owner"))).value.value).to.equal("org-02");
      expect((await read(simulatorNodeId("F0002", "ChocolateType"))).value.value).to.equal("milk");
    });

    it("should publish temperatures as AnalogItems in °C with EURange and InstrumentRange", async () => {
      const basin = simulatorNodeId("F0001", "BasinTemperature");
      const value = await read(basin);
      expect(value.statusCode).to.equal(StatusCodes.Good);
      expect(value.value.dataType).to.equal(DataType.Double);
      expect(value.value.value).to.be.within(44, 51);
      const props = await session.browse(basin);
      const unitsNode = props.references?.find((r) => r.browseName.name === "EngineeringUnits")?.nodeId;
      const euRangeNode = props.references?.find((r) => r.browseName.name === "EURange")?.nodeId;
      const instrumentNode = props.references?.find((r) => r.browseName.name === "InstrumentRange")?.nodeId;
      expect(unitsNode && euRangeNode && instrumentNode, "AnalogItem properties").to.be.ok;
      const eu = (await session.read({ nodeId: unitsNode!, attributeId: AttributeIds.Value })).value
        .value as EUInformation;
      expect(eu.displayName.text).to.equal("°C");
      expect(eu.unitId).to.equal(0x43454c); // UNECE "CEL"
      const range = (await session.read({ nodeId: euRangeNode!, attributeId: AttributeIds.Value })).value
        .value as Range;
      expect(range.high).to.be.greaterThan(range.low);
      const flowUnitsRef = (await session.browse(simulatorNodeId("F0001", "ChocolateFlow"))).references?.find(
        (r) => r.browseName.name === "EngineeringUnits",
      );
      const flowUnits = (await session.read({ nodeId: flowUnitsRef!.nodeId, attributeId: AttributeIds.Value })).value
        .value as EUInformation;
      expect(flowUnits.displayName.text).to.equal("L/min");
    });

    it("should switch faults through the SetFault method and report Bad status codes", async () => {
      const call = (fault: string) =>
        session.call({
          objectId: "ns=1;s=Fountains.F0003",
          methodId: simulatorNodeId("F0003", "SetFault"),
          inputArguments: [{ dataType: DataType.String, value: fault }],
        });
      expect((await call("volcano")).statusCode).to.equal(StatusCodes.BadInvalidArgument);
      expect((await call("badStatus")).statusCode).to.equal(StatusCodes.Good);
      expect((await read(simulatorNodeId("F0003", "BasinTemperature"))).statusCode).to.equal(
        StatusCodes.BadSensorFailure,
      );
      await call("uncertainStatus");
      expect((await read(simulatorNodeId("F0003", "TowerTemperature"))).statusCode).to.equal(
        StatusCodes.UncertainSensorNotAccurate,
      );
      await call("flowStop");
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await read(simulatorNodeId("F0003", "ChocolateFlow"))).value.value).to.be.below(0.05);
      expect((await read(simulatorNodeId("F0003", "MotorRunning"))).value.value).to.equal(false);
      await call("none");
      expect(simulator.fountains().find((f) => f.fountainId === "F0003")?.fault).to.equal("none");
    });

    it("should refuse a port already in use with one clear error", async () => {
      const error = await startSimulator({ port: simulator.port, fountains: 1, pkiFolder: PKI }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SimulatorPortInUseError);
      expect((error as Error).message).to.match(/already in use/);
    });

    it("should restart itself through the RestartServer method", async () => {
      const probe = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
      await probe.connect(simulator.endpointUrl);
      const probeSession = await probe.createSession();
      const lost = new Promise<void>((resolve) => probe.once("connection_lost", () => resolve()));
      const result = await probeSession.call({
        objectId: "ns=1;s=Fountains",
        methodId: "ns=1;s=Fountains.RestartServer",
        inputArguments: [{ dataType: DataType.UInt32, value: 300 }],
      });
      expect(result.statusCode).to.equal(StatusCodes.Good);
      await lost;
      await probe.disconnect();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const again = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
        try {
          await again.connect(simulator.endpointUrl);
          await again.disconnect();
          break;
        } catch (error) {
          await again.disconnect();
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    });

    it("should restart on the same port and serve again", async () => {
      const port = simulator.port;
      await simulator.restart(50);
      expect(simulator.port).to.equal(port);
      const fresh = OPCUAClient.create({
        endpointMustExist: false,
        connectionStrategy: { maxRetry: 3, initialDelay: 100 },
      });
      await fresh.connect(simulator.endpointUrl);
      const freshSession = await fresh.createSession();
      const value = await freshSession.read({
        nodeId: simulatorNodeId("F0001", "TowerTemperature"),
        attributeId: AttributeIds.Value,
      });
      expect(value.statusCode).to.equal(StatusCodes.Good);
      await freshSession.close();
      await fresh.disconnect();
    });
  });
});
