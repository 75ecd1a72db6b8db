/**
 * The routers, each as it runs in production: Apollo Gateway as a library in this process,
 * Hive Gateway (its JavaScript query planner, or Hive Router's Rust planner) and the Grafbase
 * engine as their CLIs on ephemeral ports. All listen on 127.0.0.1.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { grafbaseSubgraphs, type SubgraphSchema } from './compose.js';
import { GRAFBASE, HIVE_GATEWAY } from './paths.js';
import { freePort, plain, scratchDir, startProcess, type RunningProcess } from './processes.js';

export interface RunningRouter {
  readonly url: string;
  stop(): Promise<void>;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A data source that adds fixed headers to every subgraph request: Apollo's documented `willSendRequest` hook. */
class HeadersDataSource extends RemoteGraphQLDataSource {
  constructor(url: string | undefined, private readonly headers: Readonly<Record<string, string>>) {
    super({ url });
  }

  override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
    for (const [name, value] of Object.entries(this.headers)) request.http?.headers.set(name, value);
  }
}

/**
 * `@apollo/gateway` 2.14 under Apollo Server, on a supergraph composed by `@apollo/composition`;
 * `headers` are added to every request it sends a subgraph.
 */
export async function startApolloGateway(supergraphSdl: string, headers: Readonly<Record<string, string>> = {}): Promise<RunningRouter> {
  const gateway = new ApolloGateway({ supergraphSdl, logger: quiet, buildService: ({ url }) => new HeadersDataSource(url, headers) });
  const server = new ApolloServer({ gateway, logger: quiet, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url: new URL('graphql', url).href, stop: () => server.stop() };
}

export interface HiveOptions {
  readonly supergraphSdl: string;
  /** `rust`: `--hive-router-runtime`, Hive Router's query planner (`@graphql-hive/router-runtime`). */
  readonly planner: 'js' | 'rust';
  /** A gateway configuration module's text (`export const gatewayConfig = {...}`), passed with `-c`. */
  readonly config?: string;
  /** Environment variables the configuration reads (`{env.NAME}` in transport headers). */
  readonly env?: Record<string, string>;
}

/** `hive-gateway supergraph <file> --port N`, ready when it logs that it listens. */
export async function startHiveGateway({ supergraphSdl, planner, config, env }: HiveOptions): Promise<RunningProcess> {
  const dir = scratchDir('hive');
  const supergraph = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraph, supergraphSdl);
  const args = ['supergraph', supergraph, '--host', '127.0.0.1', '--port', String(await freePort())];
  if (config !== undefined) {
    writeFileSync(path.join(dir, 'gateway.config.mjs'), config);
    args.push('-c', path.join(dir, 'gateway.config.mjs'));
  }
  if (planner === 'rust') args.push('--hive-router-runtime');
  return startProcess({
    command: HIVE_GATEWAY,
    args,
    cwd: dir,
    ...(env && { env }),
    label: `Hive Gateway (${planner} planner)`,
    readyUrl: (output) => /Listening on (http:\/\/\S+)/.exec(plain(output))?.[1]?.concat('/graphql'),
  });
}

/**
 * `grafbase dev -c grafbase.toml -p N`: the Grafbase engine composes the subgraph files itself.
 * `toml` adds sections; `env`, variables it reads (`{{ env.NAME }}`).
 */
export async function startGrafbase(subgraphs: readonly SubgraphSchema[], toml = '', env: Record<string, string> = {}): Promise<RunningProcess> {
  const dir = scratchDir('grafbase-dev');
  writeFileSync(path.join(dir, 'grafbase.toml'), `${grafbaseSubgraphs(dir, subgraphs)}\n${toml}`);
  return startProcess({
    command: GRAFBASE,
    args: ['dev', '-c', path.join(dir, 'grafbase.toml'), '-p', String(await freePort())],
    cwd: dir,
    env: { ...env, HOME: dir },
    label: 'Grafbase (grafbase dev)',
    readyUrl: (output) => /GraphQL:?\s+(http:\/\/\S+\/graphql)/.exec(plain(output))?.[1],
  });
}
