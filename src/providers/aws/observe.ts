/**
 * Watching what the aws target sends: `observeCommands` wraps a set of clients so that every
 * command any of them sends is told to an observer first, with the credential group of the client
 * (management for Organizations and Config, data for the rest, as createAwsClients hands out the
 * credentials). permissions.test.ts records a whole run this way and compares it with the roles'
 * policies (permissions.ts).
 */

import type { InitializeMiddleware } from '@smithy/types';
import type { AwsClients } from './clients.js';
import type { CredentialGroup } from './permissions.js';

export interface SentCommand {
  /** Whose credentials the client carries. */
  group: CredentialGroup;
  /** The SDK client's class name, e.g. `S3Client`. */
  client: string;
  /** The command's class name, e.g. `ListObjectsV2Command`. */
  command: string;
  region: string;
  input: Readonly<Record<string, unknown>>;
}

export type CommandObserver = (sent: SentCommand) => void;

/** Each AwsClients method and the credential source createAwsClients gives its clients. */
export const CLIENT_GROUPS: Readonly<Record<keyof AwsClients, CredentialGroup>> = {
  organizations: 'management',
  config: 'management',
  glue: 'data',
  athena: 'data',
  quicksight: 'data',
  sts: 'data',
  s3: 'data',
};

interface Observable {
  middlewareStack: { add(middleware: InitializeMiddleware<object, object>, options: object): void };
}

/** The same clients, each telling `observe` of every command before it is sent. */
export function observeCommands(clients: AwsClients, observe: CommandObserver): AwsClients {
  const watched = new WeakSet<object>();
  const watch = <C extends Observable>(client: C, group: CredentialGroup, region: string): C => {
    if (watched.has(client)) return client;
    watched.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        observe({
          group,
          client: context.clientName ?? '',
          command: context.commandName ?? '',
          region,
          input: (args.input ?? {}) as Record<string, unknown>,
        });
        return next(args);
      },
      { step: 'initialize', priority: 'high', name: 'orgComplianceObserveCommands' },
    );
    return client;
  };
  return {
    organizations: () => watch(clients.organizations(), CLIENT_GROUPS.organizations, 'partition'),
    config: (region) => watch(clients.config(region), CLIENT_GROUPS.config, region),
    glue: (region) => watch(clients.glue(region), CLIENT_GROUPS.glue, region),
    athena: (region) => watch(clients.athena(region), CLIENT_GROUPS.athena, region),
    quicksight: (region) => watch(clients.quicksight(region), CLIENT_GROUPS.quicksight, region),
    sts: (region) => watch(clients.sts(region), CLIENT_GROUPS.sts, region),
    s3: (region) => watch(clients.s3(region), CLIENT_GROUPS.s3, region),
  };
}
