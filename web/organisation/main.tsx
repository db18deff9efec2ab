import { mountPage } from "../shared/mount";
import { OrganisationPage } from "./organisation-page";

mountPage(() => <OrganisationPage root="../" />);
