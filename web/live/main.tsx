import { mountPage } from "../shared/mount";
import { LivePage } from "./live-page";

mountPage(() => <LivePage />);
