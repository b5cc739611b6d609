import type { SimAsterisk } from '../sim-asterisk';
import { json, noContent, p, type AriRequest, type ParamSpec, type RouteSpec } from './route-types';

const bridgeId = p.path('bridgeId', "Bridge's id");

const createParams = (idInPath: boolean): ParamSpec[] => [
  p.query('type', 'string', 'Comma separated list of bridge type attributes (mixing, holding, dtmf_events, proxy_media, video_sfu, video_single, sdp_label).'),
  ...(idInPath ? [bridgeId] : [p.query('bridgeId', 'string', 'Unique ID to give to the bridge being created.')]),
  p.query('name', 'string', 'Name to give to the bridge being created.'),
  p.body('variables', 'The "variables" key in the body object holds variable key/value pairs to set on the bridge on creation.'),
];

const playParams = (withIdQuery: boolean): ParamSpec[] => [
  p.query('media', 'string', 'Media URIs to play.', { required: true, allowMultiple: true }),
  p.query('announcer_format', 'string', 'Format of the \'Anouncer\' channel attached to the bridge.'),
  p.query('lang', 'string', 'For sounds, selects language for sound.'),
  p.query('offsetms', 'int', 'Number of milliseconds to skip before playing.', { defaultValue: 0 }),
  p.query('skipms', 'int', 'Number of milliseconds to skip for forward/reverse operations.', { defaultValue: 3000 }),
  ...(withIdQuery ? [p.query('playbackId', 'string', 'Playback Id.')] : []),
];

/** The bridges resource as the simulator serves it. */
export function bridgeRoutes(sim: SimAsterisk): RouteSpec[] {
  const svc = sim.bridgeService;
  const r = (path: string, method: RouteSpec['method'], nickname: string, summary: string, responseClass: string, params: ParamSpec[], handle: RouteSpec['handle']): RouteSpec =>
    ({ resource: 'bridges', path, method, nickname, summary, responseClass, params, handle });
  const play = (req: AriRequest, playbackId: string | undefined) => {
    const bridge = svc.get(req.path('bridgeId'));
    return json(sim.playbackService.play({ kind: 'bridge', bridge }, req.list('media'), playbackId), 201);
  };
  return [
    r('/bridges', 'GET', 'list', 'List all active bridges in Asterisk.', 'List[Bridge]', [], () => json([...sim.bridges.values()].map((b) => b.toJson()))),
    r('/bridges', 'POST', 'create', 'Create a new bridge.', 'Bridge', createParams(false), (req) => json(svc.create(req.str('bridgeId'), req.str('type'), req.str('name')).toJson())),
    r('/bridges/{bridgeId}', 'POST', 'createWithId', 'Create a new bridge or updates an existing one.', 'Bridge', createParams(true),
      (req) => json(svc.create(req.path('bridgeId'), req.str('type'), req.str('name')).toJson())),
    r('/bridges/{bridgeId}', 'GET', 'get', 'Get bridge details.', 'Bridge', [bridgeId], (req) => json(svc.get(req.path('bridgeId')).toJson())),
    r('/bridges/{bridgeId}', 'DELETE', 'destroy', 'Shut down a bridge.', 'void', [bridgeId], (req) => {
      const bridge = svc.get(req.path('bridgeId'));
      sim.playbackService.bridgeGone(bridge);
      svc.destroy(bridge.id);
      return noContent();
    }),
    r('/bridges/{bridgeId}/addChannel', 'POST', 'addChannel', 'Add a channel to a bridge.', 'void', [
      bridgeId,
      p.query('channel', 'string', 'Ids of channels to add to bridge', { required: true, allowMultiple: true }),
      p.query('role', 'string', 'Channel\'s role in the bridge'),
      p.query('absorbDTMF', 'boolean', 'Absorb DTMF coming from this channel, preventing it to pass through to the bridge', { defaultValue: false }),
      p.query('mute', 'boolean', 'Mute audio from this channel, preventing it to pass through to the bridge', { defaultValue: false }),
      p.query('inhibitConnectedLineUpdates', 'boolean', 'Do not present the identity of the newly connected channel to other bridge members', { defaultValue: false }),
    ], (req) => {
      svc.addChannels(req.path('bridgeId'), req.list('channel'), req.str('role'));
      return noContent();
    }),
    r('/bridges/{bridgeId}/removeChannel', 'POST', 'removeChannel', 'Remove a channel from a bridge.', 'void', [
      bridgeId,
      p.query('channel', 'string', 'Ids of channels to remove from bridge', { required: true, allowMultiple: true }),
    ], (req) => {
      svc.removeChannels(req.path('bridgeId'), req.list('channel'));
      return noContent();
    }),
    r('/bridges/{bridgeId}/moh', 'POST', 'startMoh', 'Play music on hold to a bridge or change the MOH class that is playing.', 'void',
      [bridgeId, p.query('mohClass', 'string', 'Channel\'s id')], (req) => {
        svc.setMoh(req.path('bridgeId'), req.str('mohClass') ?? 'default');
        return noContent();
      }),
    r('/bridges/{bridgeId}/moh', 'DELETE', 'stopMoh', 'Stop playing music on hold to a bridge.', 'void', [bridgeId], (req) => {
      svc.setMoh(req.path('bridgeId'), null);
      return noContent();
    }),
    r('/bridges/{bridgeId}/play', 'POST', 'play', 'Start playback of media on a bridge.', 'Playback', [bridgeId, ...playParams(true)], (req) => play(req, req.str('playbackId'))),
    r('/bridges/{bridgeId}/play/{playbackId}', 'POST', 'playWithId', 'Start playback of media on a bridge and specify the playbackId.', 'Playback',
      [bridgeId, p.path('playbackId', 'Playback ID.'), ...playParams(false)], (req) => play(req, req.path('playbackId'))),
  ];
}
