import type { GroupDef } from './command.types';
import { distributionGroup } from './distribution.commands';
import { orphansGroup } from './orphans.commands';
import { remoteGroup } from './remote.commands';
import { repositoryGroup } from './repository.commands';
import { scheduleGroup } from './schedule.commands';
import { statusGroup } from './status.commands';
import { taskGroup } from './task.commands';
import { tlsGroup } from './tls.commands';
import { tokenGroup } from './token.commands';
import { exporterGroup, exportGroup, importerGroup, importGroup } from './transfer.commands';

/** Every command, in the order `bootdepot --help` lists them. */
export const GROUPS: readonly GroupDef[] = [
  remoteGroup,
  repositoryGroup,
  distributionGroup,
  taskGroup,
  scheduleGroup,
  exporterGroup,
  exportGroup,
  importerGroup,
  importGroup,
  orphansGroup,
  tokenGroup,
  statusGroup,
  tlsGroup,
];
