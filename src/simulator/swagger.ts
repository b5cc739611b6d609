import type { RouteSpec } from './routes/route-types';
import { eventModels, MODELS_BY_RESOURCE, RESOURCE_MODELS, swaggerModel } from './swagger-models';

const RESOURCE_DESCRIPTIONS: Record<string, string> = {
  asterisk: 'Asterisk resources',
  endpoints: 'Endpoint resources',
  channels: 'Channel resources',
  bridges: 'Bridge resources',
  recordings: 'Recording resources',
  sounds: 'Sound resources',
  playbacks: 'Playback control resources',
  events: 'WebSocket resource',
  applications: 'Stasis application resources',
};

/** The Swagger 1.2 resource listing, generated from the route table. */
export function resourceListing(routes: RouteSpec[], basePath: string): Record<string, unknown> {
  const resources = [...new Set(routes.map((r) => r.resource))];
  return {
    apiVersion: '10.0.0',
    swaggerVersion: '1.2',
    basePath,
    apis: resources.map((name) => ({ path: `/api-docs/${name}.{format}`, description: RESOURCE_DESCRIPTIONS[name] ?? `${name} resources` })),
  };
}

/** One resource's API declaration (operations grouped by path, with their parameters and models). */
export function apiDeclaration(resource: string, routes: RouteSpec[], basePath: string): Record<string, unknown> | undefined {
  const own = routes.filter((r) => r.resource === resource);
  if (own.length === 0) return undefined;
  const paths = [...new Set(own.map((r) => r.path))];
  const models = resource === 'events'
    ? eventModels()
    : Object.fromEntries((MODELS_BY_RESOURCE[resource] ?? []).map((name) => [name, swaggerModel(name, RESOURCE_MODELS[name] ?? {})]));
  return {
    apiVersion: '2.0.0',
    swaggerVersion: '1.2',
    basePath,
    resourcePath: `/api-docs/${resource}.{format}`,
    apis: paths.map((path) => ({
      path,
      description: path,
      operations: own.filter((r) => r.path === path).map((r) => ({
        httpMethod: r.method,
        summary: r.summary,
        nickname: r.nickname,
        responseClass: r.responseClass,
        ...(r.resource === 'events' && r.nickname === 'eventWebsocket' ? { upgrade: 'websocket', websocketProtocol: 'ari' } : {}),
        parameters: r.params.map((param) => ({
          name: param.name,
          description: param.description,
          paramType: param.paramType,
          required: param.required ?? false,
          allowMultiple: param.allowMultiple ?? false,
          dataType: param.dataType,
          ...(param.defaultValue !== undefined ? { defaultValue: param.defaultValue } : {}),
          ...(param.allowableValues ? { allowableValues: { valueType: 'LIST', values: param.allowableValues } } : {}),
        })),
      })),
    })),
    models,
  };
}
