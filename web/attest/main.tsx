import { mountPage } from "../shared/mount";
import { AttestPage } from "./attest-page";

mountPage(() => <AttestPage root="../" />);
