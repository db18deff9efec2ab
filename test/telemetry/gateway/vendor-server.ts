import os from "node:os";
import path from "node:path";
import {
  DataType,
  OPCUACertificateManager,
  OPCUAServer,
  standardUnits,
  StatusCode,
  StatusCodes,
  type UAVariable,
} from "node-opcua";

/** Namespace of the vendor server; its node ids are numeric. */
export const VENDOR_NAMESPACE = "urn:acme:chocolate-line";

/** Numeric identifiers of the vendor server's variables. */
export const VENDOR_IDS = {
  basinF: 2001,
  curtainF: 2002,
  flowCubicMetresPerHour: 2003,
  motor: 2004,
  bareTemperatureF: 2005,
  recipe: 2006,
  kelvinLabelledAsFlow: 2007,
} as const;

/** The one user account of the vendor server. */
export const VENDOR_USER = "operator";
export const VENDOR_PASSWORD = "s3cret-chocolate";

/** A running vendor server. */
export interface VendorServer {
  readonly endpointUrl: string;
  readonly namespaceIndex: number;
  /** The server's certificate (PEM), for tests that trust it explicitly. */
  readonly certificateFile: string;
  set(id: number, value: number | boolean, statusCode?: StatusCode, sourceTimestamp?: Date): void;
  /** Changes the recipe (0 dark, 1 milk, 2 white). */
  setRecipe(recipe: number): void;
  stop(): Promise<void>;
}

/**
 * A fountain controller from another vendor, laid out nothing like our simulator:
 * Objects/Plant/Line7/<tag> with numeric node ids in its own namespace, temperatures in °F,
 * a flow in m³/h, a temperature without EngineeringUnits and the recipe as an integer.
 */
export async function startVendorServer(): Promise<VendorServer> {
  const server = new OPCUAServer({
    port: 0,
    hostname: "127.0.0.1",
    serverCertificateManager: new OPCUACertificateManager({
      rootFolder: path.join(os.tmpdir(), "fontaine-test-pki", "vendor"),
      automaticallyAcceptUnknownCertificate: true,
    }),
    disableDiscovery: true,
    userManager: {
      isValidUser: (userName: string, password: string) => userName === VENDOR_USER && password === VENDOR_PASSWORD,
    },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const namespace = addressSpace.registerNamespace(VENDOR_NAMESPACE);
  const plant = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: "Plant", nodeId: "i=1000" });
  const line = namespace.addObject({ organizedBy: plant, browseName: "Line7", nodeId: "i=1001" });
  const variables = new Map<number, UAVariable>();
  const analog = (id: number, browseName: string, unit: typeof standardUnits.watt, low: number, high: number) => {
    const variable = namespace.addAnalogDataItem({
      componentOf: line,
      browseName,
      nodeId: `i=${id}`,
      dataType: "Double",
      engineeringUnits: unit,
      engineeringUnitsRange: { low, high },
      instrumentRange: { low, high },
      minimumSamplingInterval: 50,
      value: { dataType: DataType.Double, value: low },
    });
    variables.set(id, variable as unknown as UAVariable);
  };
  analog(VENDOR_IDS.basinF, "TT-101", standardUnits.degree_fahrenheit, 32, 212);
  analog(VENDOR_IDS.curtainF, "TT-102", standardUnits.degree_fahrenheit, 32, 212);
  analog(VENDOR_IDS.flowCubicMetresPerHour, "FT-201", standardUnits.cubic_metre_per_hour, 0, 1);
  analog(VENDOR_IDS.kelvinLabelledAsFlow, "FT-202", standardUnits.kelvin, 0, 500);
  variables.set(
    VENDOR_IDS.motor,
    namespace.addVariable({
      componentOf: line,
      browseName: "XS-301",
      nodeId: `i=${VENDOR_IDS.motor}`,
      dataType: "Boolean",
      minimumSamplingInterval: 50,
      value: { dataType: DataType.Boolean, value: true },
    }),
  );
  variables.set(
    VENDOR_IDS.bareTemperatureF,
    namespace.addVariable({
      componentOf: line,
      browseName: "TT-103",
      nodeId: `i=${VENDOR_IDS.bareTemperatureF}`,
      dataType: "Double",
      minimumSamplingInterval: 50,
      value: { dataType: DataType.Double, value: 100 },
    }),
  );
  const recipe = namespace.addVariable({
    componentOf: line,
    browseName: "Recipe",
    nodeId: `i=${VENDOR_IDS.recipe}`,
    dataType: "Int32",
    value: { dataType: DataType.Int32, value: 1 },
  });
  await server.start();
  const port = server.endpoints[0]!.port;
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}`,
    namespaceIndex: namespace.index,
    certificateFile: server.certificateFile,
    set(id, value, statusCode = StatusCodes.Good, sourceTimestamp = new Date()) {
      const variable = variables.get(id);
      if (!variable) throw new Error(`no vendor variable ${id}`);
      variable.setValueFromSource(
        { dataType: typeof value === "boolean" ? DataType.Boolean : DataType.Double, value },
        statusCode,
        sourceTimestamp,
      );
    },
    setRecipe(value) {
      recipe.setValueFromSource({ dataType: DataType.Int32, value });
    },
    async stop() {
      await server.shutdown(0);
    },
  };
}
