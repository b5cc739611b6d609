import { AriError } from '../ari-error';
import { ASTERISK_ID } from '../event-hub';
import type { SimAsterisk } from '../sim-asterisk';
import { asteriskTimestamp } from '../sim-timers';
import { json, noContent, p, type ParamSpec, type RouteSpec } from './route-types';

type Handler = RouteSpec['handle'];
const route = (resource: string) => (path: string, method: RouteSpec['method'], nickname: string, summary: string, responseClass: string, params: ParamSpec[], handle: Handler): RouteSpec =>
  ({ resource, path, method, nickname, summary, responseClass, params, handle });

/** playbacks, recordings, endpoints, asterisk, applications, sounds and the events WebSocket description. */
export function miscRoutes(sim: SimAsterisk, startedAt: string): RouteSpec[] {
  const pb = route('playbacks');
  const rec = route('recordings');
  const ep = route('endpoints');
  const ast = route('asterisk');
  const apps = route('applications');
  const snd = route('sounds');
  const playbackId = p.path('playbackId', "Playback's id");
  const recordingName = p.path('recordingName', "The name of the recording");
  const endpointJson = (resource: string) => ({
    technology: 'PJSIP', resource, state: 'online',
    channel_ids: [...sim.channels.values()].filter((c) => !c.hungUp && c.tech === 'PJSIP' && c.name.startsWith(`PJSIP/${resource}-`)).map((c) => c.id),
  });
  const application = (name: string) => {
    const channels = [...sim.channels.values()].filter((c) => !c.hungUp && c.subscribers.has(name));
    const bridges = [...sim.bridges.values()].filter((b) => b.followers.has(name) && b.channels.length > 0);
    return { name, channel_ids: channels.map((c) => c.id), bridge_ids: bridges.map((b) => b.id), endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] };
  };
  return [
    pb('/playbacks/{playbackId}', 'GET', 'get', 'Get a playback\'s details.', 'Playback', [playbackId], (req) => json(sim.playbackService.get(req.path('playbackId')))),
    pb('/playbacks/{playbackId}', 'DELETE', 'stop', 'Stop a playback.', 'void', [playbackId], (req) => {
      sim.playbackService.stop(req.path('playbackId'));
      return noContent();
    }),
    pb('/playbacks/{playbackId}/control', 'POST', 'control', 'Control a playback.', 'void', [
      playbackId, p.query('operation', 'string', 'Operation to perform on the playback.', { required: true, allowableValues: ['restart', 'pause', 'unpause', 'reverse', 'forward'] }),
    ], (req) => {
      sim.playbackService.control(req.path('playbackId'), req.str('operation'));
      return noContent();
    }),
    rec('/recordings/stored', 'GET', 'listStored', 'List recordings that are complete.', 'List[StoredRecording]', [], () => json(sim.recordingService.listStored())),
    rec('/recordings/stored/{recordingName}', 'GET', 'getStored', 'Get a stored recording\'s details.', 'StoredRecording', [recordingName], (req) => {
      const r = sim.recordingService.getStored(req.path('recordingName'));
      return json({ name: r.name, format: r.format });
    }),
    rec('/recordings/stored/{recordingName}', 'DELETE', 'deleteStored', 'Delete a stored recording.', 'void', [recordingName], (req) => {
      sim.recordingService.deleteStored(req.path('recordingName'));
      return noContent();
    }),
    rec('/recordings/stored/{recordingName}/file', 'GET', 'getStoredFile', 'Get the file associated with the stored recording.', 'binary', [recordingName],
      (req) => ({ status: 200, raw: sim.recordingService.storedFile(req.path('recordingName')), contentType: 'audio/wav' })),
    rec('/recordings/stored/{recordingName}/copy', 'POST', 'copyStored', 'Copy a stored recording.', 'StoredRecording', [
      recordingName, p.query('destinationRecordingName', 'string', 'The destination name of the recording', { required: true }),
    ], (req) => json(sim.recordingService.copyStored(req.path('recordingName'), req.str('destinationRecordingName')))),
    rec('/recordings/live/{recordingName}', 'GET', 'getLive', 'List live recordings.', 'LiveRecording', [recordingName], (req) => json(sim.recordingService.getLive(req.path('recordingName')))),
    rec('/recordings/live/{recordingName}', 'DELETE', 'cancel', 'Stop a live recording and discard it.', 'void', [recordingName], (req) => {
      sim.recordingService.cancel(req.path('recordingName'));
      return noContent();
    }),
    rec('/recordings/live/{recordingName}/stop', 'POST', 'stop', 'Stop a live recording and store it.', 'void', [recordingName], (req) => {
      sim.recordingService.stop(req.path('recordingName'));
      return noContent();
    }),
    rec('/recordings/live/{recordingName}/pause', 'POST', 'pause', 'Pause a live recording.', 'void', [recordingName], (req) => {
      sim.recordingService.pause(req.path('recordingName'), true);
      return noContent();
    }),
    rec('/recordings/live/{recordingName}/pause', 'DELETE', 'unpause', 'Unpause a live recording.', 'void', [recordingName], (req) => {
      sim.recordingService.pause(req.path('recordingName'), false);
      return noContent();
    }),
    ep('/endpoints', 'GET', 'list', 'List all endpoints.', 'List[Endpoint]', [], () => json([...sim.endpoints.keys()].map(endpointJson))),
    ep('/endpoints/{tech}', 'GET', 'listByTech', 'List available endoints for a given endpoint technology.', 'List[Endpoint]', [p.path('tech', 'Technology of the endpoints (pjsip,iax2,...)')], (req) => {
      const tech = req.path('tech');
      if (tech.toUpperCase() !== 'PJSIP') throw new AriError(404, `No Endpoints found - invalid tech ${tech}`);
      return json([...sim.endpoints.keys()].map(endpointJson));
    }),
    ep('/endpoints/{tech}/{resource}', 'GET', 'get', 'Details for an endpoint.', 'Endpoint', [p.path('tech', 'Technology of the endpoint'), p.path('resource', 'ID of the endpoint')], (req) => {
      if (req.path('tech').toUpperCase() !== 'PJSIP' || !sim.endpoints.has(req.path('resource'))) throw new AriError(404, 'Endpoint not found');
      return json(endpointJson(req.path('resource')));
    }),
    ast('/asterisk/info', 'GET', 'getInfo', 'Gets Asterisk system information.', 'AsteriskInfo', [
      p.query('only', 'string', 'Filter information returned', { allowMultiple: true, allowableValues: ['build', 'system', 'config', 'status'] }),
    ], (req) => {
      const info: Record<string, unknown> = {
        build: { os: 'Linux', kernel: 'simulated', machine: 'x86_64', options: 'OPTIONAL_API', date: startedAt, user: 'simulator' },
        system: { version: '22.10.1', entity_id: ASTERISK_ID },
        config: { name: 'ari-simulator', default_language: 'en', setid: { user: '', group: '' } },
        status: { startup_time: startedAt, last_reload_time: startedAt },
      };
      const only = req.list('only');
      return json(only.length ? Object.fromEntries(Object.entries(info).filter(([k]) => only.includes(k))) : info);
    }),
    ast('/asterisk/ping', 'GET', 'ping', 'Response pong message.', 'AsteriskPing', [], () => json({ ping: 'pong', timestamp: asteriskTimestamp(), asterisk_id: ASTERISK_ID })),
    ast('/asterisk/variable', 'GET', 'getGlobalVar', 'Get the value of a global variable.', 'Variable', [p.query('variable', 'string', 'The variable to get', { required: true })], (req) => {
      const name = req.str('variable');
      if (!name) throw new AriError(400, 'Variable name is required');
      return json({ value: sim.globals.get(name) ?? '' });
    }),
    ast('/asterisk/variable', 'POST', 'setGlobalVar', 'Set the value of a global variable.', 'void', [
      p.query('variable', 'string', 'The variable to set', { required: true }), p.query('value', 'string', 'The value to set the variable to'),
    ], (req) => {
      const name = req.str('variable');
      if (!name) throw new AriError(400, 'Variable name is required');
      sim.globals.set(name, req.str('value') ?? '');
      return noContent();
    }),
    apps('/applications', 'GET', 'list', 'List all applications.', 'List[Application]', [], () => json(sim.hub.applications().map(application))),
    apps('/applications/{applicationName}', 'GET', 'get', 'Get details of an application.', 'Application', [p.path('applicationName', "Application's name")], (req) => {
      if (!sim.hub.isRegistered(req.path('applicationName'))) throw new AriError(404, 'Application not found');
      return json(application(req.path('applicationName')));
    }),
    snd('/sounds', 'GET', 'list', 'List all sounds.', 'List[Sound]', [p.query('lang', 'string', 'Lookup sound for a specific language.'), p.query('format', 'string', 'Lookup sound in a specific format.')],
      () => json([...sim.sounds.entries()].filter(([, ms]) => ms !== null).map(([id]) => ({ id, text: id, formats: [{ language: 'en', format: 'gsm' }] })))),
    snd('/sounds/{soundId}', 'GET', 'get', 'Get a sound\'s details.', 'Sound', [p.path('soundId', 'Sound\'s id')], (req) => {
      if (!sim.sounds.has(req.path('soundId')) || sim.sounds.get(req.path('soundId')) === null) throw new AriError(404, 'Sound not found');
      return json({ id: req.path('soundId'), text: req.path('soundId'), formats: [{ language: 'en', format: 'gsm' }] });
    }),
  ];
}
