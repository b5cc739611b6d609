/**
 * Every ARI operation this adapter calls, with the HTTP method, path and parameter names Asterisk
 * declares for it. The adapter refuses to send a parameter that is not listed here, and the
 * contract test checks this table against Asterisk's own api-docs, so a typo or an operation that
 * does not exist in Asterisk fails in CI rather than on a live call.
 */
export interface AriOperation {
  /** ari-client resource name (the api-docs file name). */
  resource: 'bridges' | 'channels' | 'playbacks' | 'recordings';
  nickname: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path relative to /ari, as in api-docs. */
  path: string;
  params: readonly string[];
}

const op = (
  resource: AriOperation['resource'],
  nickname: string,
  method: AriOperation['method'],
  path: string,
  params: readonly string[] = [],
): AriOperation => ({ resource, nickname, method, path, params });

export const ARI_OPERATIONS = {

  listChannels: op('channels', 'list', 'GET', '/channels'),
  getChannel: op('channels', 'get', 'GET', '/channels/{channelId}', ['channelId']),
  originate: op('channels', 'originate', 'POST', '/channels', [
    'endpoint',
    'app',
    'appArgs',
    'callerId',
    'timeout',
    'variables',
    'channelId',
    'otherChannelId',
  ]),
  hangup: op('channels', 'hangup', 'DELETE', '/channels/{channelId}', ['channelId', 'reason']),
  continueInDialplan: op('channels', 'continueInDialplan', 'POST', '/channels/{channelId}/continue', [
    'channelId',
    'context',
    'extension',
    'priority',
  ]),
  answer: op('channels', 'answer', 'POST', '/channels/{channelId}/answer', ['channelId']),
  ring: op('channels', 'ring', 'POST', '/channels/{channelId}/ring', ['channelId']),
  ringStop: op('channels', 'ringStop', 'DELETE', '/channels/{channelId}/ring', ['channelId']),
  sendDtmf: op('channels', 'sendDTMF', 'POST', '/channels/{channelId}/dtmf', ['channelId', 'dtmf']),
  startMoh: op('channels', 'startMoh', 'POST', '/channels/{channelId}/moh', ['channelId', 'mohClass']),
  stopMoh: op('channels', 'stopMoh', 'DELETE', '/channels/{channelId}/moh', ['channelId']),
  play: op('channels', 'play', 'POST', '/channels/{channelId}/play', ['channelId', 'media', 'playbackId']),
  record: op('channels', 'record', 'POST', '/channels/{channelId}/record', [
    'channelId',
    'name',
    'format',
    'maxDurationSeconds',
    'maxSilenceSeconds',
    'ifExists',
    'beep',
    'terminateOn',
  ]),
  getChannelVar: op('channels', 'getChannelVar', 'GET', '/channels/{channelId}/variable', ['channelId', 'variable']),
  setChannelVar: op('channels', 'setChannelVar', 'POST', '/channels/{channelId}/variable', ['channelId', 'variable', 'value']),

  listBridges: op('bridges', 'list', 'GET', '/bridges'),
  createBridge: op('bridges', 'create', 'POST', '/bridges', ['type', 'bridgeId', 'name']),
  destroyBridge: op('bridges', 'destroy', 'DELETE', '/bridges/{bridgeId}', ['bridgeId']),
  addChannel: op('bridges', 'addChannel', 'POST', '/bridges/{bridgeId}/addChannel', ['bridgeId', 'channel', 'role']),
  removeChannel: op('bridges', 'removeChannel', 'POST', '/bridges/{bridgeId}/removeChannel', ['bridgeId', 'channel']),
  startBridgeMoh: op('bridges', 'startMoh', 'POST', '/bridges/{bridgeId}/moh', ['bridgeId', 'mohClass']),
  stopBridgeMoh: op('bridges', 'stopMoh', 'DELETE', '/bridges/{bridgeId}/moh', ['bridgeId']),

  getPlayback: op('playbacks', 'get', 'GET', '/playbacks/{playbackId}', ['playbackId']),
  stopPlayback: op('playbacks', 'stop', 'DELETE', '/playbacks/{playbackId}', ['playbackId']),

  getLiveRecording: op('recordings', 'getLive', 'GET', '/recordings/live/{recordingName}', ['recordingName']),
  getStoredRecording: op('recordings', 'getStored', 'GET', '/recordings/stored/{recordingName}', ['recordingName']),
  deleteStoredRecording: op('recordings', 'deleteStored', 'DELETE', '/recordings/stored/{recordingName}', ['recordingName']),
  /** Audio, with its media type and a size bound: fetched over HTTP by AriRecordingFiles, not through ari-client. */
  getStoredRecordingFile: op('recordings', 'getStoredFile', 'GET', '/recordings/stored/{recordingName}/file', ['recordingName']),
} as const satisfies Record<string, AriOperation>;

export type AriOperationName = keyof typeof ARI_OPERATIONS;
