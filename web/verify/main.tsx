import { mountPage } from "../shared/mount";
import { VerifyPage } from "./verify-page";

mountPage(() => <VerifyPage root="../" />);
