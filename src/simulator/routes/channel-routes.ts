import { AriError } from '../ari-error';
import type { SimAsterisk } from '../sim-asterisk';
import { json, noContent, p, type AriRequest, type ParamSpec, type RouteSpec } from './route-types';

const channelId = p.path('channelId', "Channel's id");
const HANGUP_REASONS = ['normal', 'busy', 'congestion', 'no_answer', 'timeout', 'rejected', 'unallocated', 'normal_unspecified', 'number_incomplete', 'codec_mismatch', 'interworking', 'failure', 'answered_elsewhere'];

const originateParams = (withChannelIdQuery: boolean): ParamSpec[] => [
  p.query('endpoint', 'string', 'Endpoint to call.', { required: true }),
  p.query('extension', 'string', 'The extension to dial after the endpoint answers.'),
  p.query('context', 'string', 'The context to dial after the endpoint answers.'),
  p.query('priority', 'long', 'The priority to dial after the endpoint answers.'),
  p.query('label', 'string', 'The label to dial after the endpoint answers.'),
  p.query('app', 'string', 'The Stasis application the answered channel enters.'),
  p.query('appArgs', 'string', 'Comma-separated arguments passed to the Stasis application.'),
  p.query('callerId', 'string', 'CallerID to use when dialing the endpoint or extension.'),
  p.query('timeout', 'int', 'Timeout (in seconds) before giving up dialing, or -1 for no timeout.', { defaultValue: 30 }),
  p.body('variables', 'The "variables" key in the body object holds variable key/value pairs to set on the channel on creation.'),
  ...(withChannelIdQuery ? [p.query('channelId', 'string', 'The unique id to assign the channel on creation.')] : []),
  p.query('otherChannelId', 'string', 'The unique id to assign the second channel when using local channels.'),
  p.query('originator', 'string', 'The unique id of the channel which is originating this one.'),
  p.query('formats', 'string', 'The format name capability list to use if originator is not specified.'),
];

function originate(sim: SimAsterisk, req: AriRequest, id: string | undefined) {
  const channel = sim.channelService.originate({
    endpoint: req.str('endpoint'), app: req.str('app'), appArgs: req.str('appArgs'), extension: req.str('extension'), context: req.str('context'),
    callerId: req.str('callerId'), timeout: req.int('timeout', 30), channelId: id, otherChannelId: req.str('otherChannelId'), variables: req.variables(),
  }, 'originate');
  return json(channel.toJson());
}

function play(sim: SimAsterisk, req: AriRequest, playbackId: string | undefined) {
  const channel = sim.channelService.controlled(req.path('channelId'));
  return json(sim.playbackService.play({ kind: 'channel', channel }, req.list('media'), playbackId), 201);
}

const playParams = (withIdQuery: boolean): ParamSpec[] => [
  p.query('media', 'string', 'Media URIs to play.', { required: true, allowMultiple: true }),
  p.query('lang', 'string', 'For sounds, selects language for sound.'),
  p.query('offsetms', 'int', 'Number of milliseconds to skip before playing.'),
  p.query('skipms', 'int', 'Number of milliseconds to skip for forward/reverse operations.', { defaultValue: 3000 }),
  ...(withIdQuery ? [p.query('playbackId', 'string', 'Playback ID.')] : []),
];

/** The channels resource as the simulator serves it. */
export function channelRoutes(sim: SimAsterisk): RouteSpec[] {
  const svc = sim.channelService;
  const r = (path: string, method: RouteSpec['method'], nickname: string, summary: string, responseClass: string, params: ParamSpec[], handle: RouteSpec['handle']): RouteSpec =>
    ({ resource: 'channels', path, method, nickname, summary, responseClass, params, handle });
  return [
    r('/channels', 'GET', 'list', 'List all active channels in Asterisk.', 'List[Channel]', [], () => json([...sim.channels.values()].filter((c) => !c.hungUp).map((c) => c.toJson()))),
    r('/channels', 'POST', 'originate', 'Create a new channel (originate).', 'Channel', originateParams(true), (req) => originate(sim, req, req.str('channelId'))),
    r('/channels/create', 'POST', 'create', 'Create channel.', 'Channel', [
      p.query('endpoint', 'string', 'Endpoint for channel communication', { required: true }),
      p.query('app', 'string', 'Stasis Application to place channel into', { required: true }),
      p.query('appArgs', 'string', 'The application arguments to pass to the Stasis application.'),
      p.query('channelId', 'string', 'The unique id to assign the channel on creation.'),
      p.query('otherChannelId', 'string', 'The unique id to assign the second channel when using local channels.'),
      p.query('originator', 'string', 'Unique ID of the calling channel'),
      p.query('formats', 'string', 'The format name capability list to use if originator is not specified.'),
      p.body('variables', 'The "variables" key in the body object holds variable key/value pairs to set on the channel on creation.'),
    ], (req) => json(svc.originate({
      endpoint: req.str('endpoint'), app: req.str('app'), appArgs: req.str('appArgs'), channelId: req.str('channelId'), otherChannelId: req.str('otherChannelId'), variables: req.variables(),
    }, 'create').toJson())),
    r('/channels/{channelId}', 'GET', 'get', 'Channel details.', 'Channel', [channelId], (req) => json(sim.findChannel(req.path('channelId')).toJson())),
    r('/channels/{channelId}', 'POST', 'originateWithId', 'Create a new channel (originate with id).', 'Channel', [channelId, ...originateParams(false)], (req) => originate(sim, req, req.path('channelId'))),
    r('/channels/{channelId}', 'DELETE', 'hangup', 'Delete (i.e. hangup) a channel.', 'void', [
      channelId,
      p.query('reason_code', 'string', 'The reason code for hanging up the channel for detail use. Mutually exclusive with \'reason\'.'),
      p.query('reason', 'string', 'Reason for hanging up the channel for simple use.', { allowableValues: HANGUP_REASONS }),
    ], (req) => {
      svc.hangup(req.path('channelId'), req.str('reason'), req.str('reason_code'));
      return noContent();
    }),
    r('/channels/{channelId}/continue', 'POST', 'continueInDialplan', 'Exit application; continue execution in the dialplan.', 'void', [
      channelId,
      p.query('context', 'string', 'The context to continue to.'),
      p.query('extension', 'string', 'The extension to continue to.'),
      p.query('priority', 'int', 'The priority to continue to.'),
      p.query('label', 'string', 'The label to continue to - will supersede \'priority\' if both are provided.'),
    ], (req) => {
      svc.continueInDialplan(req.path('channelId'), { context: req.str('context'), extension: req.str('extension'), priority: req.int('priority') });
      return noContent();
    }),
    r('/channels/{channelId}/answer', 'POST', 'answer', 'Answer a channel.', 'void', [channelId], (req) => {
      svc.answer(req.path('channelId'));
      return noContent();
    }),
    r('/channels/{channelId}/ring', 'POST', 'ring', 'Indicate ringing to a channel.', 'void', [channelId], (req) => {
      svc.setRinging(req.path('channelId'), true);
      return noContent();
    }),
    r('/channels/{channelId}/ring', 'DELETE', 'ringStop', 'Stop ringing indication on a channel if locally generated.', 'void', [channelId], (req) => {
      svc.setRinging(req.path('channelId'), false);
      return noContent();
    }),
    r('/channels/{channelId}/dtmf', 'POST', 'sendDTMF', 'Send provided DTMF to a given channel.', 'void', [
      channelId,
      p.query('dtmf', 'string', 'DTMF To send.'),
      p.query('before', 'int', 'Amount of time to wait before DTMF digits (specified in milliseconds) start.', { defaultValue: 0 }),
      p.query('between', 'int', 'Amount of time in between DTMF digits (specified in milliseconds).', { defaultValue: 100 }),
      p.query('duration', 'int', 'Length of each DTMF digit (specified in milliseconds).', { defaultValue: 100 }),
      p.query('after', 'int', 'Amount of time to wait after DTMF digits (specified in milliseconds) end.', { defaultValue: 0 }),
    ], (req) => {
      svc.sendDtmf(req.path('channelId'), req.str('dtmf'));
      return noContent();
    }),
    r('/channels/{channelId}/moh', 'POST', 'startMoh', 'Play music on hold to a channel.', 'void', [channelId, p.query('mohClass', 'string', 'Music on hold class to use')], (req) => {
      svc.setMoh(req.path('channelId'), req.str('mohClass') ?? 'default');
      return noContent();
    }),
    r('/channels/{channelId}/moh', 'DELETE', 'stopMoh', 'Stop playing music on hold to a channel.', 'void', [channelId], (req) => {
      svc.setMoh(req.path('channelId'), null);
      return noContent();
    }),
    r('/channels/{channelId}/play', 'POST', 'play', 'Start playback of media.', 'Playback', [channelId, ...playParams(true)], (req) => play(sim, req, req.str('playbackId'))),
    r('/channels/{channelId}/play/{playbackId}', 'POST', 'playWithId', 'Start playback of media and specify the playbackId.', 'Playback',
      [channelId, p.path('playbackId', 'Playback ID.'), ...playParams(false)], (req) => play(sim, req, req.path('playbackId'))),
    r('/channels/{channelId}/record', 'POST', 'record', 'Start a recording.', 'LiveRecording', [
      channelId,
      p.query('name', 'string', 'Recording\'s filename', { required: true }),
      p.query('format', 'string', 'Format to encode audio in', { required: true }),
      p.query('maxDurationSeconds', 'int', 'Maximum duration of the recording, in seconds. 0 for no limit', { defaultValue: 0 }),
      p.query('maxSilenceSeconds', 'int', 'Maximum duration of silence, in seconds. 0 for no limit', { defaultValue: 0 }),
      p.query('ifExists', 'string', 'Action to take if a recording with the same name already exists.', { defaultValue: 'fail', allowableValues: ['fail', 'overwrite', 'append'] }),
      p.query('beep', 'boolean', 'Play beep when recording begins', { defaultValue: false }),
      p.query('terminateOn', 'string', 'DTMF input to terminate recording', { defaultValue: 'none', allowableValues: ['none', 'any', '*', '#'] }),
    ], (req) => {
      const channel = svc.controlled(req.path('channelId'));
      return json(sim.recordingService.record(channel, {
        name: req.str('name'), format: req.str('format'), maxDurationSeconds: req.int('maxDurationSeconds', 0), maxSilenceSeconds: req.int('maxSilenceSeconds', 0),
        ifExists: req.str('ifExists') ?? 'fail', beep: req.bool('beep', false), terminateOn: req.str('terminateOn') ?? 'none',
      }), 201);
    }),
    r('/channels/{channelId}/variable', 'GET', 'getChannelVar', 'Get the value of a channel variable or function.', 'Variable',
      [channelId, p.query('variable', 'string', 'The channel variable or function to get', { required: true })],
      (req) => json({ value: svc.getVariable(req.path('channelId'), req.str('variable')) })),
    r('/channels/{channelId}/variable', 'POST', 'setChannelVar', 'Set the value of a channel variable or function.', 'void', [
      channelId,
      p.query('variable', 'string', 'The channel variable or function to set', { required: true }),
      p.query('value', 'string', 'The value to set the variable to'),
      p.query('report_events', 'boolean', 'Whether to report a ChannelVarset event for this change', { defaultValue: false }),
    ], (req) => {
      svc.setVariable(req.path('channelId'), req.str('variable'), req.str('value'));
      return noContent();
    }),
    r('/channels/{channelId}/dial', 'POST', 'dial', 'Dial a created channel.', 'void', [
      channelId,
      p.query('caller', 'string', 'Channel ID of caller'),
      p.query('timeout', 'int', 'Dial timeout', { defaultValue: 0 }),
    ], (req) => {
      const id = req.path('channelId');
      const channel = sim.channels.get(id);
      if (!channel || channel.hungUp) throw new AriError(404, 'Channel not found');
      svc.dial(id, req.int('timeout', 0));
      return noContent();
    }),
  ];
}
