import type { AttributeMap } from "../../lib/attributes.ts";
import { standardAttributes } from "./standard.ts";

export const subnetpoolAttributes: AttributeMap = { ...standardAttributes };
