import { mountPage } from "../shared/mount";
import { LotsPage } from "./lots-page";

mountPage(() => <LotsPage root="../" />);
