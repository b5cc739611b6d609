export { startSimulator, buildRoutes } from './start-simulator';
export { SimAsterisk } from './sim-asterisk';
export type {
  Simulator, SimulatorOptions, SimControl, FarEndScript, ScriptRule, InboundCallRequest, SimChannelView, SimBridgeView,
  SimPlaybackView, SimRecordingView, OriginationRecord, EndpointConfig, SimLogger,
} from './types';
